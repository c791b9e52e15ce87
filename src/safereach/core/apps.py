from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safereach.core"
    verbose_name = "Core"

    def ready(self):
        from django.urls import register_converter

        from safereach.core import checks  # noqa: F401 (registers the deploy checks)
        from safereach.core.forms import IdConverter

        register_converter(IdConverter, "id")
