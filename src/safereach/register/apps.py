from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "safereach.register"
    verbose_name = "Register of fire-safety notices"

    def ready(self):
        from safereach.register import checks  # noqa: F401  (registers the deployment check)
