from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "safereach.register"
    verbose_name = "Register of fire-safety notices"
