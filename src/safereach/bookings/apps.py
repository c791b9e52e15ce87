from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "safereach.bookings"

    def ready(self):
        # The demo county gets sessions, skills, term dates and a diary of visits with it.
        from safereach.bookings import demo
        from safereach.demo.build import demo_built, demo_clearing

        demo_clearing.connect(demo.clear_demo_bookings, dispatch_uid="bookings-demo-clearing")
        demo_built.connect(demo.add_demo_bookings, dispatch_uid="bookings-demo-built")
