"""The demo county's sharing agreements between its partners, so the governance pages, the
withheld notes on target lists and the reason asked before OFFICIAL-SENSITIVE data all have
something to show:

- the police's street-level crime, shared with fire and the council, in force;
- the fire service's incidents, shared with every partner, in force but due for review within
  the administrator's warning period;
- a pilot that shared the police's crime with the youth charity, which has ended: the crime
  data is withheld from the charity's target lists (knife crime, exploitation) until renewed;
- the council's vulnerable places (children's homes among them), which the council marks
  OFFICIAL-SENSITIVE: the partners' analysts only, each view after giving a reason.

Dates are set from the day the demo is built, so the review falls due and the pilot has ended
whenever the demo is run. Open data (boundaries, deprivation, schools) needs no agreement.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from safereach.accounts.models import Agency, Role
from safereach.demo.names import COUNTY_NAME
from safereach.demo.partners import CHARITY, COUNCIL, FIRE, POLICE
from safereach.evidence.models import Classification, Dataset
from safereach.governance.models import WARN_AHEAD, LegalBasis, SharingAgreement

CRIME_ISA = f"{COUNTY_NAME} street-level crime for school safety"
FIRE_ISA = f"{COUNTY_NAME} fire incidents for prevention"
PILOT = f"{COUNTY_NAME} Youth Safety Trust knife crime pilot"
PLACES_ISA = f"{COUNTY_NAME} vulnerable places, including children's homes"
NOTICES_ISA = f"{COUNTY_NAME} police notices, including child abduction warning notices"
# The datasets their providers mark OFFICIAL-SENSITIVE: the council's vulnerable places, and the
# police's notices (child abduction warning notices name the street a child is kept from).
SENSITIVE_KINDS = ("places", "notices")
SENSITIVE_ROLES = [Role.ANALYST.value]


def _months_back(today: date, months: int) -> date:
    """The first day of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _years_on(day: date, years: int) -> date:
    return day.replace(year=day.year + years) - timedelta(days=1)


def agreements_for(today: date) -> list[dict]:
    """The demo's agreements as of `today`: who shares which kinds of data, and their dates."""
    crime_from = _months_back(today, 14)
    fire_from = _months_back(today, 23)
    pilot_from = _months_back(today, 13)
    places_from = _months_back(today, 8)
    return [
        {"title": CRIME_ISA, "provider": POLICE, "parties": [FIRE, COUNCIL], "kinds": ["crime"],
         "legal_basis": LegalBasis.PUBLIC_TASK,
         "purpose": "Choosing the schools whose pupils most need safety sessions, from where crime "
                    "happens near them. Street-level points as police.uk publishes them.",
         "starts_on": crime_from, "ends_on": _years_on(crime_from, 3),
         "review_on": _years_on(crime_from, 2)},
        {"title": FIRE_ISA, "provider": FIRE, "parties": [POLICE, COUNCIL, CHARITY],
         "kinds": ["fire-incidents"], "legal_basis": LegalBasis.PUBLIC_TASK,
         "purpose": "Targeting fire safety, arson and hoax-call sessions at the schools near "
                    "deliberate fires and hoax calls; shared with every partner that delivers them.",
         "starts_on": fire_from, "ends_on": _years_on(fire_from, 3),
         # Due for review inside the warning period, so the administrator's page says so.
         "review_on": today + WARN_AHEAD / 2},
        {"title": PILOT, "provider": POLICE, "parties": [CHARITY], "kinds": ["crime"],
         "legal_basis": LegalBasis.LEGITIMATE_INTERESTS,
         "purpose": "A one-year pilot of knife crime sessions run by the Youth Safety Trust in "
                    "the schools nearest weapon offences. Ended; not yet renewed.",
         # Ended on the last day of the month before last: one to two months ago.
         "starts_on": pilot_from, "ends_on": _months_back(today, 1) - timedelta(days=1),
         "review_on": pilot_from + timedelta(days=182)},
        {"title": PLACES_ISA, "provider": COUNCIL, "parties": [POLICE, FIRE, CHARITY],
         "kinds": ["places"], "legal_basis": LegalBasis.PUBLIC_TASK,
         "sensitive_roles": SENSITIVE_ROLES,
         "purpose": "Where looked-after children and other vulnerable young people live or gather, "
                    "for the exploitation target list. The council marks the "
                    "points OFFICIAL-SENSITIVE: partners' analysts only, each view with a reason.",
         "starts_on": places_from, "ends_on": _years_on(places_from, 2),
         "review_on": _years_on(places_from, 1)},
        {"title": NOTICES_ISA, "provider": POLICE, "parties": [FIRE, COUNCIL], "kinds": ["notices"],
         "legal_basis": LegalBasis.PUBLIC_TASK, "sensitive_roles": SENSITIVE_ROLES,
         "purpose": "Closure orders, dispersal notices and child abduction warning notices near "
                    "schools, for the multi-agency map and meeting. OFFICIAL-SENSITIVE: partners' "
                    "analysts only, each view with a reason.",
         "starts_on": places_from, "ends_on": _years_on(places_from, 2),
         "review_on": _years_on(places_from, 1)},
    ]


def add_demo_agreements(agencies: dict[str, Agency], today: date | None = None) -> dict:
    """Record the demo's agreements over the demo's datasets; how many of each state."""
    today = today or timezone.localdate()
    datasets = {d.kind: d for d in Dataset.objects.filter(is_fictional=True)}
    Dataset.objects.filter(pk__in=[datasets[kind].pk for kind in SENSITIVE_KINDS]).update(
        classification=Classification.OFFICIAL_SENSITIVE)
    made = []
    for row in agreements_for(today):
        agreement = SharingAgreement.objects.create(
            title=row["title"], provider=agencies[row["provider"]], purpose=row["purpose"],
            legal_basis=row["legal_basis"], sensitive_roles=row.get("sensitive_roles", []),
            starts_on=row["starts_on"], ends_on=row["ends_on"], review_on=row["review_on"])
        agreement.parties.set([agencies[slug] for slug in row["parties"]])
        agreement.datasets.set([datasets[kind] for kind in row["kinds"]])
        made.append(agreement)
    return {
        "agreements": len(made),
        "agreements in force": sum(a.in_force(today) for a in made),
        "agreements ended": sum(a.ends_on < today for a in made),
        "agreements due for review": sum(today <= a.review_on <= today + WARN_AHEAD for a in made),
        "sensitive data": "the council's vulnerable places and the police's notices",
    }


def clear_demo_agreements() -> None:
    """Agreements any demo agency is provider of (they protect the agency from deletion)."""
    SharingAgreement.objects.filter(provider__is_fictional=True).delete()
