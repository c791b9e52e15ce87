from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "safereach.planning"
    verbose_name = "Term planning"
