"""Importing notices and their events from CSV, all or nothing, under the importers' rules:
every problem in every file is named as `path:line: column: reason` and nothing is written
unless there are none (see docs/formats.md, "register").

One row for each event. A notice starts with its `served` row, which carries its details;
later rows add what happened to it. Loading the same file twice changes nothing: a served row
for a notice already recorded with the same details, and an event already recorded, are
skipped. Events are checked in the order they happened with `rules`, against everything
already recorded, exactly as the forms check them.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from safereach.accounts.models import Agency
from safereach.evidence.importers.base import LoadFailed, Problems, SourceFile, find_columns
from safereach.evidence.importers.locations import (
    LOCATION_ALIASES,
    CoordinateTexts,
    check_length,
    location_pairs,
    postcode,
    tidy,
)
from safereach.evidence.importers.notices import kind_of, notice_date
from safereach.register import clock, rules
from safereach.register.articles import parse_articles
from safereach.register.models import PremisesType, RegisterNotice
from safereach.register.records import DistrictFinder, EventInput, Who, record_event, record_notice
from safereach.register.rules import AppealOutcome, ClaimOutcome, EventKind, NoticeKind

ALIASES = {
    "number": ("Notice number", "Number", "Reference", "Ref", "Notice reference"),
    "event": ("Event", "What happened"),
    "on": ("Date", "Event date", "Served", "Date served", "Issued", "Issued on", "Date issued"),
    "kind": ("Kind", "Notice kind", "Notice type", "Type"),
    "recipient": ("Served on", "Recipient", "Responsible person"),
    "premises_name": ("Premises", "Premises name", "Name"),
    "address": ("Address", "Premises address"),
    "postcode": ("Postcode", "Post code"),
    "premises_type": ("Premises type", "Type of premises"),
    "compliance_date": ("Compliance date", "Comply by", "New compliance date"),
    "articles": ("Articles", "Articles breached"),
    "under_18": ("Under 18", "Served on a person under 18"),
    "commentary": ("Commentary",),
    "outcome": ("Outcome", "Decision"),
    "note": ("Note", "Notes"),
    "recorded_on": ("Recorded on", "Recorded"),
    **LOCATION_ALIASES,
}
REQUIRED = {"number", "on"}
LIMITS = {
    "number": 60,
    "recipient": 200,
    "premises_name": 200,
    "address": 300,
    "commentary": 1000,
    "note": 1000,
}

EVENTS = {
    "served": EventKind.SERVED,
    "appeal lodged": EventKind.APPEAL_LODGED,
    "appealed": EventKind.APPEAL_LODGED,
    "appeal decided": EventKind.APPEAL_DECIDED,
    "varied": EventKind.VARIED,
    "compliance date extended": EventKind.EXTENDED,
    "extended": EventKind.EXTENDED,
    "complied": EventKind.COMPLIED,
    "withdrawn": EventKind.WITHDRAWN,
    "trade secret claimed": EventKind.TRADE_SECRET_CLAIMED,
    "trade secret decided": EventKind.TRADE_SECRET_DECIDED,
    "trade secret claim decided": EventKind.TRADE_SECRET_DECIDED,
}
EVENT_NAMES = "; ".join(k.label.lower() for k in (EventKind.SERVED, *rules.RECORDABLE))
KINDS = {
    "fire safety alterations notice": NoticeKind.ALTERATIONS,
    "fire safety enforcement notice": NoticeKind.ENFORCEMENT,
    "fire safety prohibition notice": NoticeKind.PROHIBITION,
}
MORE_KINDS = {
    "alterations": NoticeKind.ALTERATIONS,
    "enforcement": NoticeKind.ENFORCEMENT,
    "prohibition": NoticeKind.PROHIBITION,
    "restriction notice": NoticeKind.PROHIBITION,
    "prohibition or restriction notice": NoticeKind.PROHIBITION,
    "article 29": NoticeKind.ALTERATIONS,
    "article 30": NoticeKind.ENFORCEMENT,
    "article 31": NoticeKind.PROHIBITION,
}
PREMISES = {
    **{label.lower(): code for code, label in PremisesType.choices},
    **{code: code for code in PremisesType.values},
}
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
APPEAL_OUTCOMES = {o.value: o for o in AppealOutcome} | {
    "appeal withdrawn": AppealOutcome.ABANDONED,
    "withdrawn": AppealOutcome.ABANDONED,
    "dismissed": AppealOutcome.UPHELD,
    "modified": AppealOutcome.VARIED,
}
CLAIM_OUTCOMES = {o.value: o for o in ClaimOutcome}
OUTCOME_NAMES = {EventKind.APPEAL_DECIDED: "upheld; varied; cancelled; appeal withdrawn",
                 EventKind.TRADE_SECRET_DECIDED: "upheld; rejected"}


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def notice_kind(text: str) -> NoticeKind | None:
    words = _words(text)
    return (
        MORE_KINDS.get(words)
        or MORE_KINDS.get(words.removesuffix(" notice"))
        or KINDS.get(kind_of(text) or "")
    )


@dataclass
class Row:
    path: str
    line: int
    columns: dict  # field → the header's name for it, for problems
    number: str
    event: EventKind
    given: EventInput
    recorded_on: date | None
    details: dict = field(default_factory=dict)  # served rows: the notice's fields

    def problem_column(self, name: str | None) -> str:
        names = {"on": "on", "served_on": "on", "corrects": "event"}
        return self.columns.get(names.get(name, name) or "event", self.columns.get("event", "(row)"))


@dataclass
class Outcome:
    notices: int = 0
    events: int = 0
    skipped: int = 0
    numbers: list = field(default_factory=list)


def read(source: SourceFile, agency: Agency, today: date, problems: Problems) -> list[Row]:
    """Every row of one file, each checked on its own (problems go to `problems`)."""
    header, records = source.csv_records()
    cols = find_columns(source, header, ALIASES, REQUIRED)
    pairs = location_pairs(source, cols, required=False)
    names = {f: header[i] for f, i in cols.index.items()}
    coordinates = CoordinateTexts(header, pairs)
    rows, lines = [], []
    for line, cells in records:
        if len(cells) != len(header):
            problems.add(line, "(row)", f"expected {len(header)} fields, found {len(cells)}")
            continue
        value = {f: cells[i].strip() for f, i in cols.index.items()}
        row = _row(source.label, line, value, names, today, problems)
        coordinates.add(cells)
        lines.append(line)
        rows.append(row)
    if not lines and not problems:
        problems.add(2, "(file)", "the file has a header but no rows")
    located = coordinates.read(lines, problems)
    finder = DistrictFinder(fictional=agency.is_fictional)
    for i, row in enumerate(rows):
        if row is None or row.event != EventKind.SERVED:
            continue
        if located.present[i]:
            lon, lat = float(np.round(located.lon[i], 6)), float(np.round(located.lat[i], 6))
            row.details.update(lon=lon, lat=lat, district=finder.district_at(lon, lat))
    return [r for r in rows if r is not None]


def _row(path, line, value, names, today, problems) -> Row | None:
    before = len(problems)

    def bad(name, reason):
        problems.add(line, names.get(name, name), reason)

    number = " ".join(value["number"].split())
    if not number:
        bad("number", "is empty")
    check_length(problems, line, names["number"], number, LIMITS["number"])
    event_text = value.get("event", "") or "served"
    event = EVENTS.get(_words(event_text))
    if event is None:
        bad("event", f"{event_text!r} is not an event SafeReach records (one of: {EVENT_NAMES})")
    on = _date(value["on"], "on", bad, required=True)
    compliance = _date(value.get("compliance_date", ""), "compliance_date", bad)
    recorded = _date(value.get("recorded_on", ""), "recorded_on", bad)
    if recorded and on and recorded < on:
        bad("recorded_on", f"{recorded:%Y-%m-%d} is before the event happened ({on:%Y-%m-%d})")
    if recorded and recorded > today:
        bad("recorded_on", f"{recorded:%Y-%m-%d} is in the future")
    articles, article_problems = parse_articles(value.get("articles", ""))
    for reason in article_problems:
        bad("articles", reason)
    outcome = ""
    if event in (EventKind.APPEAL_DECIDED, EventKind.TRADE_SECRET_DECIDED):
        table = APPEAL_OUTCOMES if event == EventKind.APPEAL_DECIDED else CLAIM_OUTCOMES
        text = value.get("outcome", "")
        outcome = table.get(_words(text), "")
        if not outcome:
            named = OUTCOME_NAMES[event]
            bad(
                "outcome",
                (f"{text!r} is not an outcome of {event.label.lower()}" if text else "is empty")
                + f" (one of: {named})",
            )
    check_length(problems, line, names.get("note", "note"), value.get("note", ""), LIMITS["note"])
    details = {}
    if event == EventKind.SERVED:
        details = _served(value, names, bad, problems, line, on, compliance, articles, today)
    if len(problems) > before:
        return None
    given = EventInput(
        kind=event,
        on=on,
        outcome=outcome,
        compliance_date=compliance,
        articles=articles,
        note=tidy(value.get("note", "")),
    )
    return Row(path, line, names, number, event, given, recorded, details)


def _served(value, names, bad, problems, line, on, compliance, articles, today) -> dict:
    kind_text = value.get("kind", "")
    kind = notice_kind(kind_text)
    if kind is None:
        bad(
            "kind",
            f"{kind_text!r} is not a kind of fire-safety notice (alterations, enforcement, prohibition)"
            if kind_text
            else "is empty: a served row needs the kind of notice",
        )
    details = {
        "kind": kind.value if kind else "",
        "served_on": on,
        "compliance_date": compliance,
        "articles": [a.as_json() for a in articles],
    }
    for name in ("recipient", "premises_name", "address", "commentary"):
        details[name] = tidy(value.get(name, ""))
        if name in LIMITS:
            check_length(problems, line, names.get(name, name), details[name], LIMITS[name])
    for name, what in (("recipient", "who it was served on"), ("address", "the premises' address")):
        if not details[name]:
            bad(name, f"is empty: a served row needs {what}")
    code = postcode(value.get("postcode", ""))
    if code is None:
        bad("postcode", f"{value['postcode']!r} is not a UK postcode")
    details["postcode"] = code or ""
    type_text = value.get("premises_type", "")
    details["premises_type"] = PREMISES.get(_words(type_text)) or PREMISES.get(
        _words(type_text).replace(" ", "_"), ""
    )
    if not details["premises_type"]:
        known = "; ".join(label for _, label in PremisesType.choices)
        bad(
            "premises_type",
            (f"{type_text!r} is not a type of premises" if type_text else "is empty") + f" (one of: {known})",
        )
    under = _words(value.get("under_18", ""))
    if under not in YES | NO:
        bad("under_18", f"{value['under_18']!r} is not yes or no")
    details["recipient_under_18"] = under in YES
    if kind is not None:
        for name, reason in rules.problems_with_notice(kind, on, compliance, articles, today):
            if name == "articles" and value.get("articles"):
                continue  # the articles given could not be read: that is said already
            bad("on" if name == "served_on" else name, reason)
    return details


def _date(text, name, bad, required=False) -> date | None:
    if not text:
        if required:
            bad(name, "is empty")
        return None
    found = notice_date(text)
    if found is None:
        bad(name, f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
    return found


@dataclass
class Plan:
    """What an import will write, once every row has been checked."""

    new: dict = field(default_factory=dict)  # number → served Row
    events: dict = field(default_factory=lambda: defaultdict(list))  # number → [Row]
    skipped: int = 0


def check(rows: list[Row], agency: Agency, today: date, problems_for) -> Plan:
    """Check every row against what is recorded and against each other, as `rules` would if
    they were recorded one by one in the order they happened."""
    plan = Plan()
    # Notice numbers match in any case, as on the form.
    wanted = {r.number.lower() for r in rows}
    ids = [
        pk
        for pk, number in RegisterNotice.objects.filter(agency=agency).values_list("pk", "number")
        if number.lower() in wanted
    ]
    existing = {
        n.number.lower(): n for n in RegisterNotice.objects.filter(pk__in=ids).prefetch_related("events")
    }
    seen_served: dict[str, Row] = {}
    for row in rows:
        key = row.number.lower()
        if row.event != EventKind.SERVED:
            plan.events[key].append(row)
            continue
        if key in seen_served:
            problems_for(row).add(
                row.line,
                row.columns["number"],
                f"notice {row.number} is served twice (also on line {seen_served[key].line})",
            )
            continue
        seen_served[key] = row
        notice = existing.get(key)
        if notice is None:
            plan.new[key] = row
            continue
        differ = [
            name for name in _COMPARED if name in row.details and getattr(notice, name) != row.details[name]
        ]
        if differ:
            problems_for(row).add(
                row.line,
                row.columns["number"],
                f"notice {notice.number} is already recorded with a different "
                f"{', '.join(_COMPARED[n] for n in differ)}: correct it on its page, or make "
                "this row match",
            )
        else:
            plan.skipped += 1
    for key, event_rows in plan.events.items():
        notice = existing.get(key)
        if notice is None and key not in plan.new:
            for row in event_rows:
                problems_for(row).add(
                    row.line,
                    row.columns["number"],
                    f"no notice {row.number} is recorded, and this file has no served row for it",
                )
            continue
        if notice is not None:
            known = notice.as_rules(list(notice.events.all())).known_on(today)
        else:
            served = plan.new[key]
            d = served.details
            known = rules.Notice(
                kind=NoticeKind(d["kind"]),
                served_on=d["served_on"],
                compliance_date=d["compliance_date"],
                articles=served.given.articles,
                recipient_under_18=d["recipient_under_18"],
                events=(rules.Event(EventKind.SERVED, d["served_on"], today, id=-1),),
            )
        standing = rules.standing_events(known.events)
        kept = []
        for n, row in enumerate(sorted(event_rows, key=lambda r: (r.given.on, r.line))):
            candidate = row.given.as_rules(today)
            if any(_same(candidate, e) for e in standing):
                plan.skipped += 1
                continue
            found = rules.problems_with_event(known, candidate, today)
            for name, reason in found:
                problems_for(row).add(row.line, row.problem_column(name), reason)
            candidate = replace(candidate, id=-2 - n)
            known = replace(known, events=(*known.events, candidate))
            standing.append(candidate)
            kept.append(row)
        plan.events[key] = kept
    return plan


_COMPARED = {
    "kind": "kind",
    "served_on": "date served",
    "recipient": "recipient",
    "premises_name": "premises name",
    "address": "address",
    "postcode": "postcode",
    "premises_type": "premises type",
    "compliance_date": "compliance date",
    "articles": "articles",
    "recipient_under_18": "under-18 answer",
    "commentary": "commentary",
}


def _same(a: rules.Event, b: rules.Event) -> bool:
    return (a.kind, a.on, a.outcome, a.compliance_date, a.articles or None) == (
        b.kind,
        b.on,
        b.outcome,
        b.compliance_date,
        b.articles or None,
    )


def import_files(
    paths: list[str | Path],
    agency: Agency,
    who: Who,
    *,
    today: date | None = None,
    labels: dict | None = None,
) -> Outcome:
    """Check every file, then write them all in one transaction; LoadFailed names every problem
    and nothing is written. `labels`: how problems name each path (an upload's own file name)."""
    today = today or clock.today()
    labels = labels or {}
    all_problems: list = []
    rows: list[Row] = []
    per_file: dict[str, Problems] = {}
    for path in paths:
        label = labels.get(str(path), str(path))
        problems = per_file.setdefault(label, Problems(label))
        try:
            source = replace(SourceFile.read(path), path=Path(label))
            rows.extend(read(source, agency, today, problems))
        except LoadFailed as failed:
            all_problems.extend(replace(p, path=label) for p in failed.problems)
    plan = check(rows, agency, today, lambda row: per_file[row.path])
    for problems in per_file.values():
        all_problems.extend(problems.items)
    if all_problems:
        raise LoadFailed(sorted(all_problems, key=lambda p: (p.path, p.line)))
    outcome = Outcome(skipped=plan.skipped)
    with transaction.atomic():
        notices = {n.number.lower(): n for n in RegisterNotice.objects.filter(agency=agency)}
        for key, row in plan.new.items():
            notices[key] = record_notice(
                agency,
                {"number": row.number, **row.details},
                who,
                today=today,
                recorded_at=_at(row.recorded_on),
                audit=False,
            )
            outcome.notices += 1
            outcome.numbers.append(row.number)
        for key, event_rows in plan.events.items():
            for row in event_rows:
                record_event(
                    notices[key], row.given, who, today=today, recorded_at=_at(row.recorded_on), audit=False
                )
                outcome.events += 1
        who.audit(
            "register.import",
            agency.name,
            {
                "files": [str(labels.get(str(p), p)) for p in paths],
                "notices": outcome.notices,
                "events": outcome.events,
                "skipped": outcome.skipped,
                "new_notices": outcome.numbers[:200],
            },
        )
    return outcome


def _at(day: date | None) -> datetime | None:
    """When an event was first recorded, as the file says (history from an earlier register);
    None for now."""
    return timezone.make_aware(datetime.combine(day, time(12))) if day else None
