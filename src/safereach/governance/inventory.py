"""The data inventory: what each store of data holds, whether any field is about a person, how
long it is kept, and who may see it; the table a data protection impact assessment starts from.

Datasets are read from the database (every load, with the agreements covering it); the other
stores (bookings' contacts, concerns, staff accounts, the audit log) are described here in
words, with their retention read from the same settings their deleting tasks read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from safereach.evidence.models import Dataset
from safereach.governance.access import SENSITIVE
from safereach.governance.models import SharingAgreement

# What each kind of load holds, and which of its fields, if any, are about a person.
KINDS = {
    "schools": ("Schools from Get Information About Schools: name, type, phase, location, pupils, "
                "free school meals", ""),
    "deprivation": ("English Indices of Deprivation per small area (LSOA)", ""),
    "crime": ("Street-level crimes: category, month, an anonymised snap point, outcome",
              "None directly; police.uk moves each crime to a snap point to protect victims"),
    "fire-incidents": ("Fire incidents: type, date, location, deliberate or accidental, property type",
                       "A location can point at a home"),
    "places": ("Vulnerable places: care homes, children's homes, hotels, transport hubs", ""),
    "notices": ("Notices: closure, child abduction warning and fire-safety notices and where they apply",
                "Child abduction warning notices name the adult warned and concern a child"),
    "boundaries": ("Area boundaries (LSOA, ward, district)", ""),
    "lookups": ("Lookups between area codes", ""),
    "area-rates": ("Figures published only per area, e.g. dwelling fires a year", ""),
    "tiers": ("Schools' own assessment of need (tier 1 to 3)", ""),
    "stations": ("Fire stations and bases officers start from", ""),
}


def audit_retention_days() -> int:
    return int(getattr(settings, "SAFEREACH_AUDIT_RETENTION_DAYS", 6 * 365))


@dataclass(frozen=True)
class Store:
    name: str
    holds: str
    about_people: str
    classification: str
    retention: str
    who_may_see: str
    agreements: str = ""
    rows: int | None = None


def who_may_see(dataset: Dataset, agreements: list[SharingAgreement], today: date) -> str:
    """The access rule of governance.access, said in words for one dataset."""
    owner = dataset.loaded_by.agency.name if dataset.loaded_by and dataset.loaded_by.agency else ""
    sensitive = dataset.classification == SENSITIVE
    if not agreements:
        if sensitive:
            return f"Only {owner or 'the agency that loaded it'} (OFFICIAL-SENSITIVE, no agreement)"
        return "Every member of staff with an agency (open data)"
    parts = []
    for a in agreements:
        if a.in_force(today):
            state = f"in force until {a.ends_on:%-d %B %Y}"
        elif a.ends_on < today:
            state = f"ended {a.ends_on:%-d %B %Y}"
        else:
            state = f"from {a.starts_on:%-d %B %Y}"
        who = ", ".join(p.name for p in a.parties.all())
        roles = ""
        if sensitive:
            named = ", ".join(a.sensitive_role_names())
            roles = f"; roles: {named}" if named else "; no roles named"
        parts.append(f"{a.provider.name} and {who} under “{a.title}” ({state}{roles})")
    return "; ".join(parts)


def stores(today: date) -> list[Store]:
    contact_days = int(getattr(settings, "SAFEREACH_CONTACT_RETENTION_DAYS", 730))
    concern_days = int(settings.SAFEREACH_SCHOOLS["CONCERN_RETENTION_DAYS"])
    rows = []
    datasets = list(Dataset.objects.select_related("loaded_by__agency").prefetch_related(
        "agreements__parties", "agreements__provider").order_by("kind", "name"))
    for d in datasets:
        holds, about = KINDS.get(d.kind, (d.kind, ""))
        agreements = list(d.agreements.all())
        rows.append(Store(
            name=d.name, holds=holds, about_people=about or "No",
            classification=d.classification,
            retention="Until replaced by a newer load or deleted by an administrator",
            who_may_see=who_may_see(d, agreements, today),
            agreements="; ".join(a.title for a in agreements) or (d.sharing_agreement or ""),
            rows=d.row_count,
        ))
    rows += [
        Store("Booking contacts",
              "Name, email, role and access needs of the school's contact for each booking",
              "Yes: name, work email, role, access needs", "OFFICIAL",
              f"Deleted {contact_days} days after the booking's last visit (daily task)",
              "Coordinators of the agencies whose sessions were booked"),
        Store("Concerns from schools", "Safeguarding concerns a school shares, routed by topic and area",
              "Yes: may describe a child and the person reporting", SENSITIVE,
              f"Deleted {concern_days} days after they are received (daily task)",
              "Only the named recipients of the routing rule"),
        Store("Staff accounts", "Email, name, agency and roles of each member of staff",
              "Yes: name and work email", "OFFICIAL", "While the person works with a partner",
              "Administrators"),
        Store("Audit log", "Who did what to which data, when, and the reason given",
              "Yes: who acted (staff email)", "OFFICIAL",
              f"Deleted {audit_retention_days()} days after the action (daily task)", "Administrators"),
        Store("Visit outcomes", "Pupils reached, year groups and feedback for each delivered visit",
              "No: counts per visit, never a pupil", "OFFICIAL", "Kept for evaluation",
              "Own agency in full; other partners with counts under 5 suppressed"),
    ]
    return rows


INVENTORY_HEADER = ["Store", "What it holds", "About a person", "Classification", "Retention",
                    "Who may see it", "Sharing agreements", "Rows"]


def as_rows(items: list[Store]):
    for s in items:
        yield [s.name, s.holds, s.about_people, s.classification, s.retention, s.who_may_see,
               s.agreements, "" if s.rows is None else s.rows]
