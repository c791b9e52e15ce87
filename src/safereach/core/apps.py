from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safereach.core"
    verbose_name = "Core"
