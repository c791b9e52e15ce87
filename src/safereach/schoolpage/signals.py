"""Ask the school how a visit went as soon as its officer records it as delivered."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from safereach.delivery.models import VisitOutcome
from safereach.schoolpage.feedback import ask_for_feedback


@receiver(post_save, sender=VisitOutcome, dispatch_uid="schoolpage-ask-for-feedback")
def outcome_recorded(sender, instance: VisitOutcome, raw=False, **kwargs):
    if raw or not instance.delivered:
        return
    site_url = getattr(settings, "SAFEREACH_SITE_URL", "")
    # After the outcome is saved for good: a rolled-back outcome asks nobody.
    transaction.on_commit(lambda: ask_for_feedback(instance.visit, site_url))
