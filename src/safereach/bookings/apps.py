from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "safereach.bookings"

    def ready(self):
        from safereach.bookings import tasks  # noqa: F401 - registers the periodic task
