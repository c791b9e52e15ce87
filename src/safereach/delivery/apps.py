from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "safereach.delivery"
    verbose_name = "Delivery"

    def ready(self):
        from safereach.delivery import tasks  # noqa: F401 - registers the periodic task
