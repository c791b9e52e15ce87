from django.apps import AppConfig


class MatrixConfig(AppConfig):
    name = "safereach.matrix"
