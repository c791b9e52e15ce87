"""Background tasks of delivery: sending visit changes to case systems, every 15 seconds."""

from django_tasks import task

from safereach.core.periodic import periodic
from safereach.delivery.webhooks import send_due


@periodic(seconds=15)
@task()
def send_webhooks() -> dict:
    """Pass on new visit changes and try the deliveries that are due; returns counts."""
    return send_due()
