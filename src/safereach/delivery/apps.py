from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "safereach.delivery"
    verbose_name = "Delivery"

    def ready(self):
        # The demo county's visits that have happened get their outcomes with it.
        from safereach.delivery import demo
        from safereach.demo.build import demo_built, demo_clearing

        demo_clearing.connect(demo.clear_demo_outcomes, dispatch_uid="delivery-demo-clearing")
        demo_built.connect(demo.add_demo_outcomes, dispatch_uid="delivery-demo-built")
