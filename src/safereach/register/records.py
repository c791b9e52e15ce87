"""Recording notices and what happens to them: each change checked by `rules` (the same checks
the forms and the import file give), saved with the notice's derived `public_from`, and audited.

Events are only ever added; a mistake is struck out by a later event, and a mistake in a
notice's details is put right by a correction event holding what it was and what it became.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import shapely
from django.db import transaction

from safereach.accounts.models import AuditEvent
from safereach.areas.coordinates import to_bng
from safereach.areas.locate import locate_lsoas
from safereach.areas.models import Area
from safereach.register import clock, rules
from safereach.register.models import NoticeEvent, RegisterNotice
from safereach.register.rules import EventKind

# The details a correction may change, as the notice stores them.
DETAILS = [
    "number",
    "kind",
    "recipient",
    "premises_name",
    "address",
    "postcode",
    "premises_type",
    "served_on",
    "compliance_date",
    "articles",
    "commentary",
    "recipient_under_18",
    "lat",
    "lon",
    "district",
]


class NotRecorded(Exception):
    """The change breaks a rule; nothing was saved. `problems` as `rules` gives them."""

    def __init__(self, problems: list[rules.Problem]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


@dataclass
class Who:
    """Who records: a signed-in user, or a name (an import from the command line)."""

    user: object = None
    name: str = ""

    def fields(self) -> dict:
        return {
            "recorded_by": self.user,
            "recorded_by_name": self.name or (self.user.email if self.user else ""),
        }

    def audit(self, action: str, target: str, detail: dict) -> None:
        AuditEvent.objects.create(
            user=self.user,
            actor=self.name if not self.user else "",
            action=action,
            target=target,
            detail=detail,
        )


@dataclass
class EventInput:
    """An event as a form or a file row gives it."""

    kind: EventKind
    on: date
    outcome: str = ""
    compliance_date: date | None = None
    articles: tuple = ()
    note: str = ""
    corrects: NoticeEvent | None = None
    extra: dict = field(default_factory=dict)

    def as_rules(self, recorded_on: date) -> rules.Event:
        return rules.Event(
            kind=self.kind,
            on=self.on,
            recorded_on=recorded_on,
            id=-1,
            outcome=self.outcome,
            compliance_date=self.compliance_date,
            articles=tuple(self.articles) or None,
            corrects=self.corrects.pk if self.corrects else None,
        )

    def stored_outcome(self) -> str:
        if self.outcome and self.kind == EventKind.TRADE_SECRET_DECIDED:
            return f"claim_{self.outcome}"
        return self.outcome


def refresh(notice: RegisterNotice) -> None:
    """Work the derived `public_from` out again from the notice's events."""
    notice.public_from = rules.first_day_public(notice.as_rules())
    RegisterNotice.objects.filter(pk=notice.pk).update(public_from=notice.public_from)


def record_notice(
    agency,
    details: dict,
    who: Who,
    *,
    today: date | None = None,
    recorded_at: datetime | None = None,
    audit: bool = True,
) -> RegisterNotice:
    """Record a notice served, with its SERVED event. `details` are RegisterNotice fields."""
    today = today or clock.today()
    problems = rules.problems_with_notice(
        rules.NoticeKind(details["kind"]),
        details["served_on"],
        details.get("compliance_date"),
        rules_articles(details.get("articles")),
        today,
    )
    if problems:
        raise NotRecorded(problems)
    with transaction.atomic():
        notice = RegisterNotice(agency=agency, **details)
        _locate(notice)
        notice.save()
        NoticeEvent.objects.create(
            notice=notice,
            kind=EventKind.SERVED,
            on=notice.served_on,
            recorded_at=recorded_at or clock.now(),
            **who.fields(),
        )
        refresh(notice)
        if audit:
            who.audit(
                "register.notice.record",
                _target(notice),
                {
                    "notice": str(notice.public_id),
                    "kind": notice.kind,
                    "served_on": notice.served_on.isoformat(),
                },
            )
    return notice


def record_event(
    notice: RegisterNotice,
    given: EventInput,
    who: Who,
    *,
    today: date | None = None,
    recorded_at: datetime | None = None,
    audit: bool = True,
) -> NoticeEvent:
    """Record what happened to `notice`, if the rules allow it given everything recorded so far."""
    today = today or clock.today()
    recorded_at = recorded_at or clock.now()
    with transaction.atomic():
        # One change to a notice at a time: two officers recording "complied" at once must
        # not both succeed.
        locked = RegisterNotice.objects.select_for_update().get(pk=notice.pk)
        known = locked.as_rules().known_on(today)
        problems = rules.problems_with_event(known, given.as_rules(today), today)
        if problems:
            raise NotRecorded(problems)
        event = NoticeEvent.objects.create(
            notice=locked,
            kind=given.kind,
            on=given.on,
            recorded_at=recorded_at,
            outcome=given.stored_outcome(),
            compliance_date=given.compliance_date,
            articles=[a.as_json() for a in given.articles] or None,
            note=given.note,
            corrects=given.corrects,
            **who.fields(),
        )
        refresh(locked)
        if audit:
            who.audit(
                f"register.event.{given.kind.value}",
                _target(locked),
                {
                    "notice": str(locked.public_id),
                    "event": event.pk,
                    "on": given.on.isoformat(),
                    **({"corrects": given.corrects.pk} if given.corrects else {}),
                },
            )
    notice.public_from = locked.public_from
    return event


def correct_details(
    notice: RegisterNotice,
    details: dict,
    who: Who,
    *,
    note: str = "",
    today: date | None = None,
    recorded_at: datetime | None = None,
) -> NoticeEvent | None:
    """Put right the recorded details of `notice`; returns the correction event, or None if
    nothing changed. The terms must still satisfy the rules, and no event may come before the
    day it was served."""
    today = today or clock.today()
    with transaction.atomic():
        locked = RegisterNotice.objects.select_for_update().get(pk=notice.pk)
        before = {name: getattr(locked, name) for name in DETAILS}
        for name, value in details.items():
            setattr(locked, name, value)
        _locate(locked)
        after = {name: getattr(locked, name) for name in DETAILS}
        changed = {
            name: [_plain(before[name]), _plain(after[name])]
            for name in DETAILS
            if before[name] != after[name]
        }
        if not changed:
            return None
        problems = rules.problems_with_notice(
            locked.notice_kind, locked.served_on, locked.compliance_date, locked.article_list, today
        )
        if not problems:
            problems = rules.problems_with_history(locked.as_rules(), today)
        if problems:
            raise NotRecorded(problems)
        locked.save()
        event = NoticeEvent.objects.create(
            notice=locked,
            kind=EventKind.CORRECTED,
            on=today,
            recorded_at=recorded_at or clock.now(),
            changes=changed,
            note=note,
            **who.fields(),
        )
        refresh(locked)
        who.audit(
            "register.notice.correct",
            _target(locked),
            {"notice": str(locked.public_id), "event": event.pk, "changes": changed},
        )
    return event


def rules_articles(values) -> tuple:
    from safereach.register.articles import Article, from_json

    values = values or ()
    return tuple(v if isinstance(v, Article) else from_json([v])[0] for v in values)


def _target(notice: RegisterNotice) -> str:
    return f"{notice.agency.name}: notice {notice.number}"


def _plain(value):
    """A value as JSON holds it, for the correction event and the audit log."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Area):
        return value.code
    return value


def _locate(notice: RegisterNotice) -> None:
    """Fill in the grid reference from the location, and the district from it if none is given."""
    if notice.lat is None or notice.lon is None:
        notice.easting = notice.northing = None
        return
    e, n = to_bng(np.array([notice.lon]), np.array([notice.lat]))
    notice.easting, notice.northing = round(float(e[0]), 1), round(float(n[0]), 1)
    if notice.district_id is None:
        notice.district = DistrictFinder(fictional=notice.agency.is_fictional).district_at(
            notice.lon, notice.lat
        )


class DistrictFinder:
    """The local authority district a point lies in, from the district boundaries loaded (the
    fictional demo county's for a demo agency, real ones otherwise: the demo county lies in
    real grid space), else from the district of the LSOA that contains it."""

    def __init__(self, *, fictional: bool):
        self.fictional = fictional
        self._districts = None

    def district_at(self, lon: float, lat: float) -> Area | None:
        if self._districts is None:
            rows = Area.objects.filter(level=Area.Level.DISTRICT, is_fictional=self.fictional).exclude(
                geometry=""
            )
            self._districts = [(a, shapely.from_geojson(a.geometry)) for a in rows]
            for _, shape in self._districts:
                shapely.prepare(shape)
        for area, shape in self._districts:
            if shapely.contains_xy(shape, lon, lat):
                return area
        if not self.fictional:
            lsoa_id = int(locate_lsoas([lon], [lat])[0][0])
            if lsoa_id >= 0:
                return Area.objects.filter(pk=lsoa_id).select_related("district").first().district
        return None
