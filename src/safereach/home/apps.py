from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "safereach.home"
    verbose_name = "Home"
