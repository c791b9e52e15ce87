from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safereach.governance"

    def ready(self):
        from safereach.governance import (  # noqa: F401 - register the periodic task and signal
            signals,
            tasks,
        )
