"""What the register owes, across a service's notices: entries due to appear, change or go in the
next 14 days, deadlines missed, compliance dates passed with no result, and decisions awaited.
Each notice's part comes from `rules.standing`; this only gathers and orders them."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from safereach.register import rules
from safereach.register.models import with_rules

MISSED_SHOWN_DAYS = 90  # the page lists missed deadlines due this recently, and counts the rest


@dataclass(frozen=True)
class Line:
    notice: object  # RegisterNotice
    on: date
    what: str
    detail: str = ""


@dataclass
class Due:
    coming: list[Line] = field(default_factory=list)
    missed: list[Line] = field(default_factory=list)
    older_missed: int = 0
    to_check: list[Line] = field(default_factory=list)
    waiting: list[Line] = field(default_factory=list)


def due(notices, today: date, *, keep_years: int, all_missed: bool = False) -> Due:
    """`notices`: a queryset (or list) of RegisterNotices."""
    out = Due()
    since = today - timedelta(days=MISSED_SHOWN_DAYS)
    for notice, as_rules in with_rules(notices):
        s = rules.standing(as_rules, today, keep_years=keep_years)
        out.coming += [Line(notice, c.on, c.what) for c in s.coming]
        out.to_check += [Line(notice, c.on, c.what) for c in s.to_check]
        out.waiting += [Line(notice, today, w) for w in s.waiting]
        for d in s.missed:
            if all_missed or d.due >= since:
                out.missed.append(Line(notice, d.due, d.what, d.detail))
            else:
                out.older_missed += 1
    out.coming.sort(key=lambda line: (line.on, line.notice.number))
    out.missed.sort(key=lambda line: (line.on, line.notice.number), reverse=True)
    out.to_check.sort(key=lambda line: (line.on, line.notice.number))
    out.waiting.sort(key=lambda line: line.notice.number)
    return out
