from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "safereach.delivery"
    verbose_name = "Delivery"
