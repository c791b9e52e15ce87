"""Ask the school how a visit went as soon as its officer records it as delivered; and give
what schools said of their visits, and what their pupils knew, to the session's public page
and to the reach figures."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from safereach.catalogue.session_page import session_page_sections
from safereach.delivery.models import VisitOutcome
from safereach.delivery.reach_data import visit_results
from safereach.schoolpage.feedback import ask_for_feedback, public_results
from safereach.schoolpage.feedback import visit_results as results_of_visits


@receiver(post_save, sender=VisitOutcome, dispatch_uid="schoolpage-ask-for-feedback")
def outcome_recorded(sender, instance: VisitOutcome, raw=False, **kwargs):
    if raw or not instance.delivered:
        return
    site_url = getattr(settings, "SAFEREACH_SITE_URL", "")
    # After the outcome is saved for good: a rolled-back outcome asks nobody.
    transaction.on_commit(lambda: ask_for_feedback(instance.visit, site_url))


@receiver(session_page_sections, dispatch_uid="schoolpage-session-results")
def session_results(sender, session, **kwargs):
    return {"template": "schoolpage/_session_results.html", **public_results(session)}


@receiver(visit_results, dispatch_uid="schoolpage-visit-results")
def results_for_reach(sender, agency_id=None, **kwargs):
    return results_of_visits(agency_id)
