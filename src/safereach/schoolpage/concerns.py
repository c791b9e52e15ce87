"""Passing on a school's safeguarding concern: routing it to the named recipients, telling them
and the school, letting only them open it (every opening audited), and deleting it when its
retention period is over.

Emails carry the reference and the topic, never what was seen: the content stays in SafeReach,
behind sign-in, where every view is recorded.
"""

from datetime import date

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.concern_routing import Routing, route_concern
from safereach.accounts.models import AuditEvent
from safereach.areas.models import Area
from safereach.schoolpage.links import schools_settings
from safereach.schools.models import Concern, School

NOT_KNOWN = "not-known"


def areas_for(school: School) -> list[tuple[str, str]]:
    """Districts a concern may be about, the school's own first."""
    districts = list(Area.objects.filter(level=Area.Level.DISTRICT).order_by("name")
                     .values_list("code", "name"))
    own = school.lsoa.district.code if school.lsoa and school.lsoa.district else None
    if not districts:
        # No boundaries loaded: the school's own district as GIAS names it, so the form still
        # works and any-area routing rules still apply.
        return [(school.district_code or NOT_KNOWN, school.la_name or "The school's area")]
    return sorted(districts, key=lambda d: d[0] != own)


def pass_on(school: School, answers: dict, site_url: str) -> tuple[Concern | None, Routing]:
    """Store the concern and tell its recipients and the school. (None, empty routing) when
    no rule names anyone for this topic and area: nothing is stored then."""
    area_code = answers["area"]
    routing = route_concern(answers["topic"], area_code)
    if not routing:
        return None, routing
    area_name = dict(areas_for(school)).get(area_code, "")
    retention = schools_settings()["CONCERN_RETENTION_DAYS"]
    received = timezone.now()
    with transaction.atomic():
        concern = Concern.objects.create(
            school=school, topic=answers["topic"], area_code=area_code, area_name=area_name,
            what_was_seen=answers["what_was_seen"], when_seen=answers["when_seen"],
            urgency=answers["urgency"], reporter_name=answers["reporter_name"],
            reporter_role=answers["reporter_role"], reporter_email=answers["reporter_email"],
            received_at=received,
            delete_after=Concern.deletion_date(timezone.localdate(received), retention))
        concern.agencies.set(routing.agencies)
        concern.recipients.set(routing.recipients)
        AuditEvent.objects.create(
            actor=f"{answers['reporter_email']} (school contact)", action="schools.concern.receive",
            target=concern.reference,
            detail={"school": school.pk, "topic": concern.topic, "area": area_code,
                    "urgency": concern.urgency, "agencies": [a.pk for a in routing.agencies],
                    "recipients": [u.pk for u in routing.recipients]})
        transaction.on_commit(lambda: _tell(concern, routing, site_url))
    return concern, routing


def _tell(concern: Concern, routing: Routing, site_url: str) -> None:
    context = {"concern": concern, "agencies": routing.agencies, "site_url": site_url,
               "url": site_url + reverse("schoolpage:concern", args=[concern.reference])}
    EmailMessage(f"[OFFICIAL-SENSITIVE] Concern {concern.reference} from a school: "
                 f"{concern.get_urgency_display().split(':')[0].lower()}",
                 render_to_string("schoolpage/email/concern_routed.txt", context),
                 to=[u.email for u in routing.recipients]).send()
    EmailMessage(f"We have passed on your concern: reference {concern.reference}",
                 render_to_string("schoolpage/email/concern_received.txt", context),
                 to=[concern.reporter_email]).send()


def routed_to(user):
    return Concern.objects.filter(recipients=user).select_related("school")


def open_concern(user, reference: str, request_path: str) -> Concern | None:
    """The concern if it was routed to `user`, audited as viewed; None otherwise, audited as a
    refused attempt, so that looking for other agencies' concerns leaves a trace."""
    concern = routed_to(user).filter(reference=reference).first()
    AuditEvent.objects.create(
        user=user, action="schools.concern.view" if concern else "schools.concern.refused",
        target=reference[:40], detail={"path": request_path[:200]})
    return concern


def delete_expired(today: date, actor: str) -> int:
    """Delete concerns past their retention date; one audit event says how many."""
    with transaction.atomic():
        expired = Concern.objects.filter(delete_after__lte=today)
        references = list(expired.values_list("reference", flat=True))
        if references:
            expired.delete()
            AuditEvent.objects.create(actor=actor, action="schools.concern.delete_expired",
                                      target=f"{len(references)} concerns",
                                      detail={"references": references, "on": today.isoformat()})
    return len(references)
