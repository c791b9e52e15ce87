from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safereach.governance"

    def ready(self):
        from safereach.governance import tasks  # noqa: F401 - registers the periodic task
