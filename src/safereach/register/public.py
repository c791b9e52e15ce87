"""What the public may see: the entries on the register today, and how feeds lay them out.

Every public page, feed, search suggestion, map and sitemap reads entries through
`published` and nothing else. The database narrows the notices to those that may be public
(`RegisterNotice.public_from`, kept in step with the events, and the keeping period); `rules`
then works out each entry from the events, and has the last word.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from safereach.register import clock, rules
from safereach.register.models import PremisesType, RegisterNotice, with_rules

FEED_FIELDS = [
    "id",
    "notice_number",
    "recipient",
    "premises_name",
    "address",
    "postcode",
    "premises_type",
    "kind",
    "articles",
    "served_on",
    "compliance_date",
    "revised_compliance_date",
    "result",
    "local_authority",
    "local_authority_code",
    "fire_and_rescue_service",
    "commentary",
    "details_withheld",
    "latitude",
    "longitude",
    "last_changed",
    "url",
]
NATIONAL_SCHEMA = "safereach-fire-safety-register/1"
LEGISLATION = "Regulatory Reform (Fire Safety) Order 2005"
LICENCE = "Open Government Licence v3.0"


@dataclass(frozen=True)
class PublicEntry:
    """One entry as the public sees it. While a trade-secret claim is undecided (or upheld)
    only the name, address, place and legal provisions are given: everything else is None."""

    notice: RegisterNotice
    entry: rules.Entry

    @property
    def withheld(self) -> bool:
        return self.entry.details_withheld

    def _unless_withheld(self, value):
        return None if self.withheld else value

    @property
    def id(self) -> str:
        return str(self.notice.public_id)

    @property
    def name(self) -> str:
        return self.notice.name

    @property
    def number(self):
        return self._unless_withheld(self.notice.number)

    @property
    def premises_type(self):
        return self._unless_withheld(PREMISES_LABELS.get(self.notice.premises_type))

    @property
    def premises_type_code(self):
        return self._unless_withheld(self.notice.premises_type)

    @property
    def kind(self) -> rules.NoticeKind:
        return self.entry.kind

    @property
    def served_on(self):
        return self._unless_withheld(self.entry.served_on)

    @property
    def compliance_date(self):
        return self._unless_withheld(self.entry.compliance_date)

    @property
    def revised_compliance_date(self):
        return self._unless_withheld(self.entry.revised_compliance_date)

    @property
    def result(self):
        return self._unless_withheld(self.entry.result)

    @property
    def complied_on(self):
        return self._unless_withheld(self.entry.complied_on)

    @property
    def commentary(self):
        return self._unless_withheld(self.notice.commentary)

    @property
    def articles(self):
        return self.entry.articles

    @property
    def district(self):
        return self.notice.district

    @property
    def service(self):
        return self.notice.agency

    @property
    def located(self) -> bool:
        return self.notice.lat is not None and self.notice.lon is not None

    def row(self, url: str) -> dict:
        """The entry as the CSV and JSON feeds give it."""
        n = self.notice
        return {
            "id": self.id,
            "notice_number": self.number,
            "recipient": n.recipient,
            "premises_name": n.premises_name,
            "address": n.address,
            "postcode": n.postcode,
            "premises_type": self.premises_type,
            "kind": self.kind.label,
            "articles": "; ".join(str(a) for a in self.articles),
            "served_on": _iso(self.served_on),
            "compliance_date": _iso(self.compliance_date),
            "revised_compliance_date": _iso(self.revised_compliance_date),
            "result": self.result.value if self.result else None,
            "local_authority": n.district.name if n.district else None,
            "local_authority_code": n.district.code if n.district else None,
            "fire_and_rescue_service": n.agency.name,
            "commentary": self.commentary or None,
            "details_withheld": self.withheld,
            "latitude": n.lat,
            "longitude": n.lon,
            "last_changed": self.entry.last_changed_on.isoformat(),
            "url": url,
        }

    def national(self, url: str) -> dict:
        """The entry in the layout for a national register (docs/register.md)."""
        n = self.notice
        return {
            "id": self.id,
            "url": url,
            "authority": {"id": n.agency.slug, "name": n.agency.name},
            "details_withheld": self.withheld,
            "notice": {
                "number": self.number,
                "type": self.kind.value,
                "type_label": self.kind.label,
                "legislation": LEGISLATION,
                "article": self.kind.article,
                "served_on": _iso(self.served_on),
                "compliance_date": _iso(self.compliance_date),
                "revised_compliance_date": _iso(self.revised_compliance_date),
                "status": self.result.value if self.result else None,
                "complied_on": _iso(self.complied_on),
                "articles_breached": [{"article": a.code, "finding": a.finding} for a in self.articles],
                "commentary": self.commentary or None,
            },
            "premises": {
                "name": n.premises_name or None,
                "responsible_person": n.recipient,
                "type": self.premises_type_code,
                "type_label": self.premises_type,
                "address": n.address,
                "postcode": n.postcode or None,
                "local_authority": (
                    {"code": n.district.code, "name": n.district.name} if n.district else None
                ),
                "location": {"latitude": n.lat, "longitude": n.lon} if self.located else None,
            },
            "entered_on": self.entry.appeared_on.isoformat(),
            "last_changed_on": self.entry.last_changed_on.isoformat(),
            "kept_until": (self.entry.leaves_on - rules.DAY).isoformat(),
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def may_be_public(today: date) -> QuerySet:
    """Notices that may be on the register on `today`, for the database to narrow by."""
    # A district's boundary is large and no entry needs it: the map reads boundaries itself.
    return (
        RegisterNotice.objects.filter(
            public_from__lte=today, served_on__gte=rules.earliest_kept_service(today, clock.keep_years())
        )
        .select_related("agency", "district")
        .defer("district__geometry")
    )


def published(notices: QuerySet | None = None, *, today: date | None = None) -> list[PublicEntry]:
    """The entries public on `today` among `notices`: `may_be_public(today)`, or a narrowing of it."""
    today = today or clock.today()
    keep = clock.keep_years()
    notices = may_be_public(today) if notices is None else notices
    out = []
    for notice, as_rules in with_rules(notices.order_by("-served_on", "number")):
        entry = rules.entry_on(as_rules, today, keep_years=keep)
        if entry is not None:
            out.append(PublicEntry(notice, entry))
    return out


def matching(text: str) -> Q:
    """A database narrowing for `matches`: notices whose name, address or postcode may hold `text`."""
    text = " ".join(text.split())
    compact = text.replace(" ", "").upper()
    match = Q(recipient__icontains=text) | Q(premises_name__icontains=text) | Q(address__icontains=text)
    if compact:
        match |= Q(postcode_compact__contains=compact)
    return match


def with_compact_postcode(notices: QuerySet) -> QuerySet:
    return notices.annotate(postcode_compact=Replace(Upper("postcode"), Value(" "), Value("")))


def matches(entry: PublicEntry, text: str) -> bool:
    """Whether the entry's name, whom it was served on, its address or its postcode (with or
    without its space) holds `text`, in any case."""
    text = " ".join(text.split()).lower()
    n = entry.notice
    return (
        any(text in value.lower() for value in (n.recipient, n.premises_name, n.address))
        or text.replace(" ", "") in n.postcode.replace(" ", "").lower()
    )


def search(entries: list[PublicEntry], data: dict) -> list[PublicEntry]:
    """The published `entries` matching a cleaned SearchForm. Withheld entries never match on
    what they withhold (type of premises, result), so a search cannot reveal it."""

    def wanted(e: PublicEntry) -> bool:
        return (
            (not data.get("q") or matches(e, data["q"]))
            and (not data.get("kind") or e.kind.value == data["kind"])
            and (not data.get("district") or (e.district is not None and e.district.code == data["district"]))
            and (not data.get("service") or e.service.slug == data["service"])
            and (not data.get("premises_type") or e.premises_type_code == data["premises_type"])
            and (not data.get("status") or (e.result is not None and e.result.value == data["status"]))
        )

    return [e for e in entries if wanted(e)]


def districts_and_services(entries: list[PublicEntry]) -> tuple[list, list]:
    """The districts and services of published entries, for the search form's lists: only
    those, so the lists say nothing of notices not published."""
    districts = sorted(
        {(e.district.code, e.district.name) for e in entries if e.district}, key=lambda d: d[1]
    )
    services = sorted({(e.service.slug, e.service.name) for e in entries}, key=lambda s: s[1])
    return districts, services


PREMISES_LABELS = dict(PremisesType.choices)
