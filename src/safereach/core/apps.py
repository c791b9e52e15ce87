from django.apps import AppConfig

from safereach.core.plain_english import speak_plainly

# Before any form is declared (the apps' models and forms are imported after this module).
speak_plainly()


class CoreConfig(AppConfig):
    name = "safereach.core"
    verbose_name = "Core"

    def ready(self):
        from safereach.core import checks  # noqa: F401 (registers the deploy checks)
