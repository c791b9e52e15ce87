"""What the public register shows of a fire-safety notice, and when: pure computation.

A notice is what was recorded when it was served and the events since (`Notice`, `Event`).
Everything the register does follows from those, a day and these rules:

- An entry appears the day after the appeal period ends (an appeal may be lodged within 21
  days of service) or, if an appeal was lodged, the day after it is decided; the law allows
  up to 14 days after either. Nothing appears while a notice is under appeal, if it is
  cancelled on appeal, once it is withdrawn, or if it was served on a person under 18.
- "Complied", a variation, a new compliance date and a rejected trade-secret claim are
  shown within 7 days; a withdrawn notice is taken off within 7 days.
- A recipient may claim a trade secret within 14 days of service; until the claim is decided
  (and for good if it is upheld) the entry shows only the name, address, place and the
  legal provisions.
- An entry is kept `keep_years` years from service (at least 3), then goes.

The register learns of an event on the day it is recorded, not the day it happened, so what
it showed on any day is worked out from the events recorded by then: that is how each
deadline can be shown to have been met, or not. SafeReach publishes on the first day the law
allows, so the only way to miss a deadline is to record something late.

Nothing here reads the clock or the database: `today` is always given.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from safereach.register.articles import Article

APPEAL_DAYS = 21  # Fire Safety Order art. 35(1): appeal within 21 days of service
ENTER_WITHIN_DAYS = 14  # after the appeal period ends or the appeal is decided
AMEND_WITHIN_DAYS = 7  # complied, withdrawn or amended
TRADE_SECRET_CLAIM_DAYS = 14
ENFORCEMENT_MIN_DAYS = 28  # art. 30(3): at least 28 days to comply
MIN_KEEP_YEARS = 3
LOOK_AHEAD_DAYS = 14  # what the protection manager's page looks ahead over

DAY = timedelta(days=1)


class NoticeKind(StrEnum):
    ALTERATIONS = "alterations"
    ENFORCEMENT = "enforcement"
    PROHIBITION = "prohibition"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def article(self) -> int:
        return {"alterations": 29, "enforcement": 30, "prohibition": 31}[self.value]

    @property
    def has_compliance_date(self) -> bool:
        """An alterations notice asks to be told before changes are made: nothing to comply by."""
        return self is not NoticeKind.ALTERATIONS


KIND_LABELS = {
    NoticeKind.ALTERATIONS: "Alterations notice",
    NoticeKind.ENFORCEMENT: "Enforcement notice",
    NoticeKind.PROHIBITION: "Prohibition or restriction notice",
}


class EventKind(StrEnum):
    SERVED = "served"
    APPEAL_LODGED = "appeal_lodged"
    APPEAL_DECIDED = "appeal_decided"
    VARIED = "varied"
    EXTENDED = "compliance_extended"
    COMPLIED = "complied"
    WITHDRAWN = "withdrawn"
    TRADE_SECRET_CLAIMED = "trade_secret_claimed"
    TRADE_SECRET_DECIDED = "trade_secret_decided"
    CORRECTED = "corrected"  # a mistake in the notice's recorded details put right
    IN_ERROR = "recorded_in_error"  # an event struck out: it never happened

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.SERVED: "Served",
    EventKind.APPEAL_LODGED: "Appeal lodged",
    EventKind.APPEAL_DECIDED: "Appeal decided",
    EventKind.VARIED: "Varied",
    EventKind.EXTENDED: "Compliance date extended",
    EventKind.COMPLIED: "Complied",
    EventKind.WITHDRAWN: "Withdrawn",
    EventKind.TRADE_SECRET_CLAIMED: "Trade secret claimed",
    EventKind.TRADE_SECRET_DECIDED: "Trade secret claim decided",
    EventKind.CORRECTED: "Details corrected",
    EventKind.IN_ERROR: "Struck out as recorded in error",
}
# What protection officers record on a notice's page (served comes with the notice; corrections
# with its details).
RECORDABLE = [
    EventKind.APPEAL_LODGED,
    EventKind.APPEAL_DECIDED,
    EventKind.VARIED,
    EventKind.EXTENDED,
    EventKind.COMPLIED,
    EventKind.WITHDRAWN,
    EventKind.TRADE_SECRET_CLAIMED,
    EventKind.TRADE_SECRET_DECIDED,
]
STRIKABLE = set(RECORDABLE)


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    VARIED = "varied"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"

    @property
    def label(self) -> str:
        return {
            "upheld": "Notice upheld as served",
            "varied": "Notice varied by the court",
            "cancelled": "Notice cancelled",
            "abandoned": "Appeal withdrawn by the appellant",
        }[self.value]


class ClaimOutcome(StrEnum):
    UPHELD = "upheld"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            "upheld": "Claim upheld: the details stay withheld",
            "rejected": "Claim rejected: the full entry is shown",
        }[self.value]


class Result(StrEnum):
    ONGOING = "ongoing"
    COMPLIED = "complied"


@dataclass(frozen=True)
class Event:
    """One thing that happened to a notice: `on` the day it happened, `recorded_on` the day
    the register learned of it."""

    kind: EventKind
    on: date
    recorded_on: date
    id: int = 0
    outcome: str = ""
    compliance_date: date | None = None
    articles: tuple[Article, ...] | None = None
    corrects: int | None = None  # IN_ERROR: the id of the event struck out


@dataclass(frozen=True)
class Notice:
    """A notice as recorded when served (its details put right by any correction since), with
    every event, including its SERVED event, whose `recorded_on` is when it was first recorded."""

    kind: NoticeKind
    served_on: date
    compliance_date: date | None = None
    articles: tuple[Article, ...] = ()
    recipient_under_18: bool = False
    events: tuple[Event, ...] = ()

    def known_on(self, day: date) -> "Notice":
        """The notice as the register knew it on `day`: only events recorded by then."""
        return replace(self, events=tuple(e for e in self.events if e.recorded_on <= day))


@dataclass(frozen=True)
class Facts:
    """What a set of events says: the latest of each kind that matters, and the terms now."""

    served: Event | None = None
    appeal_lodged: Event | None = None
    appeal_decided: Event | None = None
    withdrawn: Event | None = None
    complied: Event | None = None
    claim: Event | None = None
    claim_decided: Event | None = None
    compliance_date: date | None = None
    revised_compliance_date: date | None = None
    articles: tuple[Article, ...] = ()
    amendments: tuple[Event, ...] = ()  # varied, extended, claim rejected: shown within 7 days

    @property
    def under_appeal(self) -> bool:
        return self.appeal_lodged is not None and self.appeal_decided is None

    @property
    def cancelled(self) -> bool:
        return self.appeal_decided is not None and self.appeal_decided.outcome == AppealOutcome.CANCELLED

    @property
    def details_withheld(self) -> bool:
        return self.claim is not None and (
            self.claim_decided is None or self.claim_decided.outcome == ClaimOutcome.UPHELD
        )

    @property
    def current_compliance_date(self) -> date | None:
        return self.revised_compliance_date or self.compliance_date


def standing_events(events) -> list[Event]:
    """The events that stand: every one not struck out as recorded in error, in the order they
    happened."""
    struck = {e.corrects for e in events if e.kind == EventKind.IN_ERROR}
    kept = [e for e in events if e.kind != EventKind.IN_ERROR and e.id not in struck]
    return sorted(kept, key=lambda e: (e.on, e.recorded_on, e.id))


def facts_of(notice: Notice, events=None) -> Facts:
    """What the notice's standing events (or those of `events`) say."""
    found: dict = {}
    compliance, revised, articles = notice.compliance_date, None, notice.articles
    amendments = []
    for e in standing_events(notice.events if events is None else events):
        if e.kind == EventKind.SERVED:
            found["served"] = e
        elif e.kind == EventKind.APPEAL_LODGED:
            found["appeal_lodged"] = e
        elif e.kind == EventKind.APPEAL_DECIDED:
            found["appeal_decided"] = e
        elif e.kind == EventKind.WITHDRAWN:
            found["withdrawn"] = e
        elif e.kind == EventKind.COMPLIED:
            found["complied"] = e
        elif e.kind == EventKind.TRADE_SECRET_CLAIMED:
            found["claim"] = e
        elif e.kind == EventKind.TRADE_SECRET_DECIDED:
            found["claim_decided"] = e
            if e.outcome == ClaimOutcome.REJECTED:
                amendments.append(e)
        if e.kind in (EventKind.VARIED, EventKind.EXTENDED, EventKind.APPEAL_DECIDED):
            if e.compliance_date is not None:
                revised = e.compliance_date
            if e.articles:
                articles = e.articles
            if e.kind != EventKind.APPEAL_DECIDED:
                amendments.append(e)
    return Facts(
        **found,
        compliance_date=compliance,
        revised_compliance_date=revised,
        articles=articles,
        amendments=tuple(amendments),
    )


def appeal_period_ends(served_on: date) -> date:
    """The last day an appeal may be lodged."""
    return served_on + timedelta(days=APPEAL_DAYS)


def trade_secret_claims_close(served_on: date) -> date:
    return served_on + timedelta(days=TRADE_SECRET_CLAIM_DAYS)


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March, so a keeping period is never short."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def leaves_on(served_on: date, keep_years: int) -> date:
    """The first day an entry is no longer kept: the day after the `keep_years` anniversary."""
    return add_years(served_on, keep_years) + DAY


def earliest_kept_service(today: date, keep_years: int) -> date:
    """The earliest day of service whose entry is still kept on `today`, for a database filter:
    `served_on >= earliest_kept_service(today)` exactly when `leaves_on(served_on) > today`."""
    try:
        day = today.replace(year=today.year - keep_years)
    except ValueError:
        day = date(today.year - keep_years, 2, 28)
    while leaves_on(day - DAY, keep_years) > today:
        day -= DAY
    while leaves_on(day, keep_years) <= today:
        day += DAY
    return day


def _waits_until(notice: Notice, facts: Facts) -> date | None:
    """The last day before an entry may appear, or None if it may not appear at all (`_why`
    says why). Withdrawal is left to the caller: a deadline can fall before a withdrawal."""
    if notice.recipient_under_18:
        return None
    if facts.appeal_lodged is not None:
        if facts.appeal_decided is None or facts.cancelled:
            return None
        return facts.appeal_decided.on
    return appeal_period_ends(notice.served_on)


def _why(notice: Notice, facts: Facts) -> str:
    """Why an entry waits until `_waits_until`, or does not appear at all."""
    if notice.recipient_under_18:
        return "it was served on a person under 18, so it is never published"
    if facts.appeal_lodged is not None:
        if facts.appeal_decided is None:
            return (
                f"it has been under appeal since {say_date(facts.appeal_lodged.on)}; it appears "
                "within 14 days of the decision, unless the notice is cancelled"
            )
        if facts.cancelled:
            return f"it was cancelled on appeal on {say_date(facts.appeal_decided.on)}"
        return f"the appeal was decided on {say_date(facts.appeal_decided.on)}"
    return f"the appeal period ends on {say_date(appeal_period_ends(notice.served_on))}"


def first_day_public(notice: Notice, events=None) -> date | None:
    """With the notice's events as they stand (or `events`), the first day it may be public;
    None if never."""
    facts = facts_of(notice, events)
    if facts.served is None or facts.withdrawn is not None:
        return None
    waits = _waits_until(notice, facts)
    return waits + DAY if waits is not None else None


@dataclass(frozen=True)
class Spell:
    """Days the entry was (or will be) public without a break: `start` to the day before `end`."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end


def public_spells(notice: Notice, keep_years: int) -> list[Spell]:
    """Every spell the register shows the notice, as it knew things day by day: what it knew
    changes only on the days events were recorded. The last spell runs until the entry goes,
    as if nothing more were recorded."""
    days = sorted({e.recorded_on for e in notice.events})
    goes = leaves_on(notice.served_on, keep_years)
    spells: list[Spell] = []
    for i, day in enumerate(days):
        first = first_day_public(notice, [e for e in notice.events if e.recorded_on <= day])
        if first is None:
            continue
        start = max(day, first)
        end = min(days[i + 1] if i + 1 < len(days) else goes, goes)
        if start >= end:
            continue
        if spells and spells[-1].end == start:
            spells[-1] = Spell(spells[-1].start, end)
        else:
            spells.append(Spell(start, end))
    return spells


def _first_shown(spells: list[Spell], since: date, before: date | None = None) -> date | None:
    """The first day on or after `since` (and before `before`) the entry is public."""
    for s in spells:
        if s.end > since:
            day = max(s.start, since)
            return day if before is None or day < before else None
    return None


@dataclass(frozen=True)
class Entry:
    """The public entry of a notice on one day. Its details come from the notice as recorded;
    when `details_withheld` only the name, address, place and legal provisions are shown."""

    kind: NoticeKind
    served_on: date
    result: Result
    compliance_date: date | None
    revised_compliance_date: date | None
    articles: tuple[Article, ...]
    details_withheld: bool
    appeared_on: date
    last_changed_on: date
    leaves_on: date
    complied_on: date | None


def entry_on(notice: Notice, day: date, *, keep_years: int) -> Entry | None:
    """The public entry on `day`, from the events recorded by then; None if it is not public."""
    knew = notice.known_on(day)
    return _entry(knew, day, public_spells(knew, keep_years), keep_years)


def _entry(knew: Notice, day: date, spells: list[Spell], keep_years: int) -> Entry | None:
    """The entry on `day` of a notice as known that day, whose spells are `spells`."""
    spell = next((s for s in spells if day in s), None)
    if spell is None:
        return None
    facts = facts_of(knew)
    changed = max((e.recorded_on for e in knew.events), default=spell.start)
    return Entry(
        kind=knew.kind,
        served_on=knew.served_on,
        result=Result.COMPLIED if facts.complied else Result.ONGOING,
        compliance_date=facts.compliance_date,
        revised_compliance_date=facts.revised_compliance_date,
        articles=facts.articles,
        details_withheld=facts.details_withheld,
        appeared_on=spell.start,
        last_changed_on=max(spell.start, changed),
        leaves_on=leaves_on(knew.served_on, keep_years),
        complied_on=facts.complied.on if facts.complied else None,
    )


class State(StrEnum):
    MET = "met"
    MISSED = "missed"
    DUE = "due"


@dataclass(frozen=True)
class Deadline:
    """One thing the law asks of the register for this notice, by `due`, and whether it was done.
    `done_on` is when the register did it (in the future for what is already scheduled)."""

    what: str
    due: date
    state: State
    done_on: date | None = None
    detail: str = ""


@dataclass(frozen=True)
class Change:
    """Something due on a day soon: an entry appearing or going, or a compliance date to check."""

    on: date
    what: str


@dataclass(frozen=True)
class Standing:
    """Where a notice stands with the register on `today`."""

    entry: Entry | None
    summary: str
    appears_on: date | None
    leaves_on: date
    deadlines: tuple[Deadline, ...]
    coming: tuple[Change, ...]
    to_check: tuple[Change, ...]
    waiting: tuple[str, ...] = field(default=())

    @property
    def missed(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.deadlines if d.state == State.MISSED)


def standing(notice: Notice, today: date, *, keep_years: int) -> Standing:
    """Everything the register should say and do about the notice, as known on `today`."""
    knew = notice.known_on(today)
    facts = facts_of(knew)
    spells = public_spells(knew, keep_years)
    goes = leaves_on(notice.served_on, keep_years)
    entry = _entry(knew, today, spells, keep_years)
    coming_spell = next((s for s in spells if s.end > today), None)
    appears_on = coming_spell.start if coming_spell else None
    return Standing(
        entry=entry,
        summary=_summary(knew, facts, spells, today, goes, keep_years),
        appears_on=appears_on,
        leaves_on=goes,
        deadlines=tuple(_deadlines(knew, facts, spells, today, goes)),
        coming=tuple(_coming(facts, spells, today, goes, keep_years, knew)),
        to_check=tuple(_to_check(facts, spells, today, knew)),
        waiting=tuple(_waiting(facts)),
    )


def _summary(notice, facts, spells, today, goes, keep_years) -> str:
    if facts.served is None:
        return "Not recorded yet."
    now = next((s for s in spells if today in s), None)
    if now is not None:
        return (
            f"On the register since {say_date(now.start)}; kept until {say_date(goes - DAY)}, "
            f"{keep_years} years from service."
        )
    if today >= goes:
        return f"Off the register since {say_date(goes)}: entries are kept {keep_years} years from service."
    if facts.withdrawn is not None:
        return f"Not on the register: withdrawn on {say_date(facts.withdrawn.on)}."
    later = next((s for s in spells if s.start > today), None)
    why = _why(notice, facts)
    if later is not None:
        return f"Appears on the register on {say_date(later.start)}: {why}."
    return f"Not on the register: {why}."


def _deadlines(notice, facts, spells, today, goes) -> list[Deadline]:
    out: list[Deadline] = []
    if facts.served is None:
        return out  # not recorded yet: the register owes nothing for what it cannot know
    waits = _waits_until(notice, facts)
    # The entry appears within 14 days, unless the notice was withdrawn before then.
    if waits is not None and waits + DAY < goes:
        due = waits + timedelta(days=ENTER_WITHIN_DAYS)
        if facts.withdrawn is None or facts.withdrawn.on > due:
            first = _first_shown(spells, waits + DAY)
            if first is not None and first <= due:
                state = State.MET if first <= today else State.DUE
                out.append(
                    Deadline(
                        "Entry on the register",
                        due,
                        state,
                        first,
                        f"{'Appeared' if state == State.MET else 'Appears'} on {say_date(first)}.",
                    )
                )
            elif today > due:
                shown = first if first is not None and first <= today else None
                detail = (
                    f"Appeared on {say_date(shown)}, {(shown - due).days} days late."
                    if shown
                    else "Not on the register yet."
                )
                out.append(Deadline("Entry on the register", due, State.MISSED, shown, detail))
            else:
                out.append(
                    Deadline(
                        "Entry on the register",
                        due,
                        State.DUE,
                        first,
                        f"Appears on {say_date(first)}." if first else "",
                    )
                )
    # Left out while under appeal, and for good if cancelled on appeal.
    if facts.appeal_lodged is not None:
        lodged = facts.appeal_lodged
        until = facts.appeal_decided.on if facts.appeal_decided and not facts.cancelled else None
        shown = _first_shown(spells, lodged.on, until)
        if shown is not None and shown <= today:
            off = next(s.end for s in spells if shown in s)
            out.append(
                Deadline(
                    "Left out while under appeal",
                    lodged.on,
                    State.MISSED,
                    off,
                    f"Shown from {say_date(shown)} until {say_date(off - DAY)}: the appeal was "
                    f"recorded on {say_date(lodged.recorded_on)}.",
                )
            )
        else:
            out.append(
                Deadline(
                    "Left out while under appeal",
                    lodged.on,
                    State.MET,
                    None,
                    "Not shown while under appeal."
                    if not facts.cancelled
                    else "Never shown: cancelled on appeal.",
                )
            )
    # Withdrawn: taken off within 7 days, if it was on.
    if facts.withdrawn is not None and _first_shown(spells, facts.withdrawn.on) is not None:
        w = facts.withdrawn
        due = w.on + timedelta(days=AMEND_WITHIN_DAYS)
        off = max(s.end for s in spells if s.end > w.on)
        state = State.MET if off <= due else State.MISSED
        out.append(Deadline("Withdrawn notice taken off", due, state, off, f"Taken off on {say_date(off)}."))
    # Complied and amendments: shown within 7 days, if the entry is public then or later.
    changes = ([facts.complied] if facts.complied else []) + list(facts.amendments)
    for e in changes:
        out.extend(_shown_within_a_week(e, spells, today))
    # A trade-secret claim: the details are withheld from the first day they could be shown.
    if facts.claim is not None:
        claim = facts.claim
        rejected = (
            facts.claim_decided.on
            if facts.claim_decided and facts.claim_decided.outcome == ClaimOutcome.REJECTED
            else None
        )
        first = _first_shown(spells, claim.on, rejected)
        if first is not None:
            leaked = _first_shown(spells, claim.on, min(d for d in (rejected, claim.recorded_on) if d))
            if leaked is not None:
                out.append(
                    Deadline(
                        "Details withheld while a trade-secret claim is decided",
                        leaked,
                        State.MISSED,
                        claim.recorded_on,
                        f"Full details shown from {say_date(leaked)}: the claim was recorded on "
                        f"{say_date(claim.recorded_on)}.",
                    )
                )
            else:
                out.append(
                    Deadline(
                        "Details withheld while a trade-secret claim is decided",
                        first,
                        State.MET if first <= today else State.DUE,
                        first,
                        "Withheld from the first day shown.",
                    )
                )
    return sorted(out, key=lambda d: d.due)


_SHOWN_WHAT = {
    EventKind.COMPLIED: "“Complied” shown",
    EventKind.VARIED: "Variation shown",
    EventKind.EXTENDED: "New compliance date shown",
    EventKind.TRADE_SECRET_DECIDED: "Full entry shown after the trade-secret claim was rejected",
}


def _shown_within_a_week(e: Event, spells, today) -> list[Deadline]:
    if _first_shown(spells, e.on) is None:
        return []  # never public after it happened: nothing to show
    due = e.on + timedelta(days=AMEND_WITHIN_DAYS)
    stale = _first_shown(spells, due, e.recorded_on)  # public on or after `due` without it
    done = _first_shown(spells, e.recorded_on)
    what = _SHOWN_WHAT[e.kind]
    if stale is not None:
        return [
            Deadline(
                what,
                due,
                State.MISSED,
                done,
                f"Recorded on {say_date(e.recorded_on)}, {(e.recorded_on - due).days} days after it was due.",
            )
        ]
    if done is None:  # public before, but not since it was recorded
        return []
    state = State.MET if done <= today else State.DUE
    return [Deadline(what, due, state, done, f"Shown from {say_date(done)}.")]


def _coming(facts, spells, today, goes, keep_years, notice) -> list[Change]:
    horizon = today + timedelta(days=LOOK_AHEAD_DAYS)
    out = []
    for s in spells:
        if today < s.start <= horizon:
            out.append(Change(s.start, "Appears on the register"))
        if today < s.end <= horizon and s.end == goes:
            out.append(Change(s.end, f"Leaves the register, {keep_years} years after service"))
    check = _compliance_to_check(facts, spells, notice, today)
    if check is not None and today <= check <= horizon:
        out.append(Change(check, "Compliance date: record whether the work was done"))
    return sorted(out, key=lambda c: c.on)


def _to_check(facts, spells, today, notice) -> list[Change]:
    check = _compliance_to_check(facts, spells, notice, today)
    if check is not None and check < today:
        return [Change(check, "Compliance date passed with no result recorded")]
    return []


def _compliance_to_check(facts, spells, notice, today) -> date | None:
    """The compliance date of a notice still in force whose result the register should show."""
    if not notice.kind.has_compliance_date or facts.complied or facts.withdrawn:
        return None
    if notice.recipient_under_18 or facts.cancelled or _first_shown(spells, today) is None:
        return None
    return facts.current_compliance_date


def _waiting(facts) -> list[str]:
    out = []
    if facts.under_appeal:
        out.append(f"Appeal lodged on {say_date(facts.appeal_lodged.on)}: waiting for the decision")
    if facts.claim is not None and facts.claim_decided is None:
        out.append(f"Trade secret claimed on {say_date(facts.claim.on)}: waiting for the decision")
    return out


# --- What the law rules out, for forms and import files -------------------------------------------

Problem = tuple[str | None, str]  # (the field it is about, or None for the whole; the message)


def problems_with_notice(
    kind: NoticeKind,
    served_on: date | None,
    compliance_date: date | None,
    articles: tuple[Article, ...],
    today: date,
) -> list[Problem]:
    """What is wrong with a notice's terms as served."""
    out: list[Problem] = []
    if served_on is not None and served_on > today:
        out.append(("served_on", "The date served must be today or in the past"))
    if not kind.has_compliance_date and compliance_date is not None:
        out.append(("compliance_date", "An alterations notice has no compliance date: leave it blank"))
    if kind == NoticeKind.ENFORCEMENT:
        if compliance_date is None:
            out.append(("compliance_date", "Enter the date by which the work must be done"))
        elif served_on is not None and compliance_date < served_on + timedelta(days=ENFORCEMENT_MIN_DAYS):
            earliest = served_on + timedelta(days=ENFORCEMENT_MIN_DAYS)
            out.append(
                (
                    "compliance_date",
                    "An enforcement notice gives at least 28 days to comply: "
                    f"the compliance date must be {say_date(earliest)} or later",
                )
            )
        if not articles:
            out.append(
                ("articles", "Enter the articles breached, for example A9: risk assessment not suitable")
            )
    if (
        kind == NoticeKind.PROHIBITION
        and compliance_date is not None
        and served_on is not None
        and compliance_date < served_on
    ):
        out.append(("compliance_date", "The compliance date must be on or after the date served"))
    return out


def problems_with_event(notice: Notice, event: Event, today: date) -> list[Problem]:
    """What is wrong with recording `event` on `notice` (whose events are those recorded so far)."""
    facts = facts_of(notice)
    kind = event.kind
    out: list[Problem] = []
    if kind == EventKind.IN_ERROR:
        return _problems_striking_out(notice, facts, event)
    if kind not in RECORDABLE:
        return [(None, f"“{kind.label}” is not something to record on a notice")]
    if event.on > today:
        out.append(("on", "The date must be today or in the past"))
    if event.on < notice.served_on:
        out.append(
            (
                "on",
                f"The date must be on or after the day the notice was served, {say_date(notice.served_on)}",
            )
        )
    if facts.withdrawn is not None:
        return out + [
            (
                None,
                f"The notice was withdrawn on {say_date(facts.withdrawn.on)}: nothing more can be "
                "recorded on it",
            )
        ]
    if facts.cancelled:
        return out + [
            (
                None,
                f"The notice was cancelled on appeal on {say_date(facts.appeal_decided.on)}: nothing "
                "more can be recorded on it",
            )
        ]
    if kind == EventKind.APPEAL_LODGED:
        out += _made_once(
            facts.appeal_lodged,
            event,
            appeal_period_ends(notice.served_on),
            "An appeal was already lodged",
            "An appeal must be lodged within 21 days of service",
        )
    elif kind == EventKind.APPEAL_DECIDED:
        out += _decided_once(
            facts.appeal_lodged,
            facts.appeal_decided,
            event,
            AppealOutcome,
            "No appeal has been recorded: record the appeal being lodged first",
            "The appeal was already decided",
            "the appeal was lodged",
            "Select what the court decided",
        )
        varied_terms = event.compliance_date or event.articles
        if (
            event.outcome in {o.value for o in AppealOutcome}
            and event.outcome != AppealOutcome.VARIED
            and varied_terms
        ):
            out.append(("outcome", "Only a notice the court varied takes a new compliance date or articles"))
        out.extend(_new_terms(notice, facts, event, needed=False))
    elif kind == EventKind.VARIED:
        if not (event.compliance_date or event.articles):
            out.append(
                ("compliance_date", "Enter the new compliance date, the new articles breached, or both")
            )
        out.extend(_new_terms(notice, facts, event, needed=False))
    elif kind == EventKind.EXTENDED:
        if not notice.kind.has_compliance_date:
            out.append((None, "An alterations notice has no compliance date to extend"))
        elif facts.complied is not None:
            out.append(
                (
                    None,
                    f"The notice was complied with on {say_date(facts.complied.on)}: there is nothing "
                    "left to extend",
                )
            )
        elif event.compliance_date is None:
            out.append(("compliance_date", "Enter the new compliance date"))
        else:
            out.extend(_new_terms(notice, facts, event, needed=True))
    elif kind == EventKind.COMPLIED:
        if not notice.kind.has_compliance_date:
            out.append(
                (
                    None,
                    "An alterations notice has nothing to comply with: record it as withdrawn "
                    "when it is no longer needed",
                )
            )
        elif facts.complied is not None:
            out.append((None, f"Already recorded as complied with, on {say_date(facts.complied.on)}"))
    elif kind == EventKind.TRADE_SECRET_CLAIMED:
        out += _made_once(
            facts.claim,
            event,
            trade_secret_claims_close(notice.served_on),
            "A trade secret was already claimed",
            "A trade secret must be claimed within 14 days of service",
        )
    elif kind == EventKind.TRADE_SECRET_DECIDED:
        out += _decided_once(
            facts.claim,
            facts.claim_decided,
            event,
            ClaimOutcome,
            "No trade-secret claim has been recorded: record the claim first",
            "The claim was already decided",
            "the claim was made",
            "Select whether the claim was upheld or rejected",
        )
    return out


# An appeal and a trade-secret claim follow one pattern: made once, within so many days of
# service; then decided once, on or after the day it was made, with one of its outcomes.
def _made_once(made: Event | None, event: Event, closes: date, already: str, late: str) -> list[Problem]:
    if made is not None:
        return [(None, f"{already}, on {say_date(made.on)}")]
    if event.on > closes:
        return [("on", f"{late}, by {say_date(closes)}")]
    return []


def _decided_once(
    made: Event | None,
    decided: Event | None,
    event: Event,
    outcomes,
    unmade: str,
    already: str,
    after: str,
    choose: str,
) -> list[Problem]:
    out: list[Problem] = []
    if made is None:
        out.append((None, unmade))
    elif decided is not None:
        out.append((None, f"{already}, on {say_date(decided.on)}"))
    elif event.on < made.on:
        out.append(("on", f"The decision must be on or after {after}, {say_date(made.on)}"))
    if event.outcome not in {o.value for o in outcomes}:
        out.append(("outcome", choose))
    return out


def problems_with_history(notice: Notice, today: date) -> list[Problem]:
    """Whether what happened to a notice still fits its details, once they are corrected: each
    event checked, in the order it happened, against those before it. Problems are given
    against the details that no longer fit (the date served, or the kind of notice)."""
    before: list[Event] = [e for e in notice.events if e.kind == EventKind.SERVED]
    for e in standing_events(notice.events):
        if e.kind in (EventKind.SERVED, EventKind.CORRECTED):
            continue
        found = problems_with_event(replace(notice, events=tuple(before)), e, today)
        if found:
            name, message = found[0]
            field = "served_on" if name == "on" else "kind"
            return [
                (
                    field,
                    f"That does not fit the {e.kind.label.lower()} recorded on {say_date(e.on)}: "
                    f"{message[0].lower()}{message[1:]}",
                )
            ]
        before.append(e)
    return []


def _new_terms(notice, facts, event, *, needed: bool) -> list[Problem]:
    out = []
    if event.compliance_date is not None:
        if not notice.kind.has_compliance_date:
            out.append(("compliance_date", "An alterations notice has no compliance date: leave it blank"))
        elif event.compliance_date <= event.on:
            out.append(("compliance_date", "The new compliance date must be after the date of the change"))
        elif (
            needed
            and facts.current_compliance_date
            and event.compliance_date <= facts.current_compliance_date
        ):
            out.append(
                (
                    "compliance_date",
                    "The new compliance date must be later than the current one, "
                    f"{say_date(facts.current_compliance_date)}",
                )
            )
    return out


def _problems_striking_out(notice, facts, event) -> list[Problem]:
    target = next((e for e in standing_events(notice.events) if e.id == event.corrects), None)
    if target is None or target.kind not in STRIKABLE:
        return [("corrects", "Select an event recorded on this notice")]
    if target.kind == EventKind.APPEAL_LODGED and facts.appeal_decided is not None:
        return [("corrects", "Strike out the appeal's decision first")]
    if target.kind == EventKind.TRADE_SECRET_CLAIMED and facts.claim_decided is not None:
        return [("corrects", "Strike out the decision on the claim first")]
    return []


def say_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
