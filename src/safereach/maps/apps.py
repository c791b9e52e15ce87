from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "safereach.maps"

    def ready(self):
        from safereach.maps import signals  # noqa: F401  (connects the refresh on load)
