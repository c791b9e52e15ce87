from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safereach.core"
    verbose_name = "Core"

    def ready(self):
        from safereach.core import checks  # noqa: F401 (registers the deploy checks)
