"""The figures each role's home page shows, read from the database.

Each function answers one role's question "what is there for me to work with?" and returns
plain values, so the template only lays them out.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Max, Sum
from django.utils import timezone

from safereach.accounts.models import Agency, Role, User
from safereach.areas.models import Area
from safereach.delivery.models import WebhookDelivery
from safereach.evidence.models import Dataset, Deprivation, Incident, Notice, Place
from safereach.governance.models import SharingAgreement, agreement_warnings
from safereach.register.home import protection_figures
from safereach.schoolpage.feedback import agency_figures as feedback_figures
from safereach.schools.models import School
from safereach.workforce.models import Officer, Station


@dataclass(frozen=True)
class Figure:
    number: int
    label: str


def sections_for(user: User) -> list[str]:
    """The roles whose sections the user sees, in a fixed order.

    Uses the roles the user actually holds (not `has_role`, which lets administrators through
    everywhere), so an administrator's home page is about administration.
    """
    held = set(user.roles or [])
    if user.is_superuser:
        held.add(Role.ADMINISTRATOR)
    return [role for role in Role.values if role in held]


def administrator_figures() -> dict:
    users_by_role = Counter()
    users_without_role = 0
    for roles in User.objects.filter(is_active=True).values_list("roles", flat=True):
        users_by_role.update(set(roles or []))
        users_without_role += not roles
    agencies_by_kind = dict(
        Agency.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return {
        "figures": [
            Figure(Agency.objects.count(), "agencies"),
            Figure(User.objects.filter(is_active=True).count(), "active users"),
            Figure(Dataset.objects.count(), "datasets loaded"),
        ],
        "agencies_by_kind": [
            (label, agencies_by_kind[kind])
            for kind, label in Agency.Kind.choices
            if kind in agencies_by_kind
        ],
        "users_by_role": [(label, users_by_role.get(role, 0)) for role, label in Role.choices],
        "users_without_role": users_without_role,
        # Visit changes no case system accepted within a day: waiting for "Send again".
        "failed_deliveries": WebhookDelivery.objects.filter(state=WebhookDelivery.State.FAILED).count(),
        # Sharing agreements ended with data under them, or ending or due for review soon.
        "agreement_warnings": agreement_warnings(
            timezone.localdate(), SharingAgreement.objects.prefetch_related("datasets")),
    }


def holdings() -> list[Figure]:
    """What SafeReach holds, in the words of the data."""
    return [
        Figure(Dataset.objects.count(), "datasets loaded"),
        Figure(School.objects.count(), "schools"),
        Figure(Area.objects.count(), "areas"),
        Figure(Incident.objects.count(), "incidents"),
        Figure(Place.objects.count(), "vulnerable places"),
        Figure(Notice.objects.count(), "notices"),
    ]


def analyst_figures() -> dict:
    areas_by_level = dict(Area.objects.values_list("level").annotate(n=Count("id")))
    incidents_by_source = dict(Incident.objects.values_list("source").annotate(n=Count("id")))
    return {
        "datasets_by_kind": list(
            Dataset.objects.values("kind")
            .annotate(datasets=Count("id"), rows=Sum("row_count"), last_loaded=Max("loaded_at"))
            .order_by("kind")
        ),
        "figures": [
            Figure(School.objects.count(), "schools"),
            Figure(Deprivation.objects.count(), "LSOAs with deprivation scores"),
            Figure(Place.objects.count(), "vulnerable places"),
            Figure(Notice.objects.count(), "notices"),
        ],
        "areas_by_level": [
            Figure(areas_by_level.get(level, 0), label) for level, label in Area.Level.choices
        ],
        "incidents_by_source": [
            Figure(incidents_by_source.get(source, 0), f"{label} incidents")
            for source, label in Incident.Source.choices
        ],
    }


def coordinator_figures(user: User) -> dict:
    officers = (
        Officer.objects.filter(agency=user.agency).select_related("base")
        if user.agency_id
        else Officer.objects.none()
    )
    stations = Station.objects.filter(officers__in=officers).distinct().order_by("name")
    return {
        "agency": user.agency,
        "officers": list(officers),
        "stations": list(stations),
        "figures": [
            Figure(len(officers), "officers"),
            Figure(len(stations), "stations officers work from"),
            Figure(School.objects.count(), "schools"),
        ],
    }


def officer_figures(user: User) -> dict:
    officer = Officer.objects.filter(user=user).select_related("agency", "base").first()
    colleagues = 0
    if officer is not None:
        colleagues = Officer.objects.filter(agency=officer.agency).exclude(pk=officer.pk).count()
    return {
        "officer": officer,
        "working_days": working_day_names(officer.working_days) if officer else "",
        "colleagues": colleagues,
        "schools": School.objects.count(),
    }


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def working_day_names(days: str) -> str:
    """ISO weekday digits ("12345") as the names people read ("Monday to Friday")."""
    numbers = sorted({int(d) for d in days if d.isdigit() and 1 <= int(d) <= 7})
    if not numbers:
        return "No working days set"
    names = [WEEKDAYS[n - 1] for n in numbers]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{names[0]} to {names[-1]}"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def partner_figures(user: User) -> dict:
    agency = user.agency
    return {
        "agency": agency,
        "agency_figures": [
            Figure(agency.users.filter(is_active=True).count(), "staff users"),
            Figure(agency.officers.count(), "officers"),
        ]
        if agency
        else [],
        # Schools' feedback and knowledge checks on the agency's sessions (schoolpage).
        "feedback_figures": feedback_figures(agency) if agency else [],
        "holdings": holdings(),
    }


FIGURES_BY_ROLE = {
    Role.ADMINISTRATOR: lambda user: administrator_figures(),
    Role.ANALYST: lambda user: analyst_figures(),
    Role.COORDINATOR: coordinator_figures,
    Role.OFFICER: officer_figures,
    Role.PARTNER: partner_figures,
    # Fire safety protection: the register of notices (the register app).
    Role.PROTECTION_OFFICER: lambda user: protection_figures(user, manager=False),
    Role.PROTECTION_MANAGER: lambda user: protection_figures(user, manager=True),
}
