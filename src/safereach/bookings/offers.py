"""Offered slots for a booking: the diaries of the officers who can deliver a session, read from
the database, handed to the pure slot search in routing.slots with travel times from the one
travel provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from safereach.bookings.calendar_days import open_days
from safereach.bookings.diary import Places, at, minutes_of, read_diaries, read_school_day
from safereach.bookings.models import Booking, Visit
from safereach.routing.diary import Diary
from safereach.routing.slots import Slot, SlotRequest, choose_offers, day_slots, find_slots
from safereach.routing.travel import travel_provider

DEFAULTS = {
    "HOLD_MINUTES": 60,  # a slot waits this long for the contact to follow the emailed link
    "APPROVAL_HOLD_HOURS": 72,  # and this long for a coordinator, when the address is unknown
    "MANAGE_LINK_DAYS": 200,
    "OFFERS_SHOWN": 5,
    "ARRIVE_BEFORE_MINUTES": 10,
    "HELD_SHARE_FOR_TARGETS": 0.25,  # of each officer's visits a day, kept for target schools
    "HOLD_FOR_TARGETS_DAYS": 21,  # until this many days before the day
}


def booking_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "SAFEREACH_BOOKINGS", {})}


@dataclass(frozen=True)
class Offer:
    """A slot as people read it: an officer, a start and an end, and the travel it adds."""

    slot: Slot
    officer: object
    session: object

    @property
    def starts_at(self) -> datetime:
        return at(self.slot.day, self.slot.start)

    @property
    def ends_at(self) -> datetime:
        return at(self.slot.day, self.slot.end)

    @property
    def key(self) -> str:
        """What a form sends back to choose this offer."""
        return f"{self.officer.pk}:{self.slot.day.isoformat()}:{self.slot.start}"

    @property
    def added_travel(self) -> int:
        return round(self.slot.added_travel)


def parse_offer_key(value: str) -> tuple[int, date, int] | None:
    try:
        officer, day, start = value.split(":")
        return int(officer), date.fromisoformat(day), int(start)
    except (ValueError, AttributeError):
        return None


class Diaries:
    """Everything the slot search needs for one school and one session, read in a few queries."""

    def __init__(
        self,
        booking: Booking,
        session,
        *,
        ignore_visit: Visit | None = None,
        officers=None,
        today: date | None = None,
        date_ranges: list[tuple[date, date]] | None = None,
    ):
        """`date_ranges`: other dates the school gives (to reschedule), instead of the booking's."""
        self.booking, self.session = booking, session
        self.config = booking_settings()
        self.today = today or timezone.localdate()
        tomorrow = self.today + timedelta(days=1)  # never today
        days = set()
        for start, end in date_ranges or booking.date_ranges:
            days.update(open_days(booking.school.la_code, max(start, tomorrow), end))
        self.days = sorted(days)
        school = booking.school
        self.school_place = (school.lon, school.lat) if school.lon is not None else None
        if officers is None:
            officers = session.officers.select_related("base")
        self.officers = {o.pk: o for o in officers if o.base is not None}
        self.places = Places()
        self.diaries: list[Diary] = []
        self.school_day = booking.school_day()
        if not self.days or self.school_place is None or not self.officers:
            return
        self.school_index = self.places(*self.school_place)
        ignore = [ignore_visit.pk] if ignore_visit is not None else []
        # What the school already hosts those days: the group's other sessions, and others.
        self.school_day = read_school_day(booking, self.days[0], self.days[-1], ignore_visit_ids=ignore)
        self.diaries = list(
            read_diaries(self.officers.values(), self.days[0], self.days[-1], self.places,
                         ignore_visit_ids=ignore).values()
        )
        self._travel_times()

    def _travel_times(self):
        """Three asks of the provider: to the school, from it, and the legs it might replace."""
        provider = travel_provider()
        places = self.places.lonlat
        school = [self.school_place]
        self.to_school = provider.table(places, school)[:, 0]
        self.from_school = provider.table(school, places)[0]
        legs = set()
        for diary in self.diaries:
            for day_stops in diary.stops.values():
                stops = [diary.base, *(s.place for s in day_stops), diary.base]
                legs.update(zip(stops, stops[1:]))
            legs.add((diary.base, diary.base))
        legs = sorted(legs)
        minutes = provider.pairs([places[a] for a, _ in legs], [places[b] for _, b in legs])
        self.legs = dict(zip(legs, minutes.tolist()))

    def travel(self, a: int, b: int) -> float:
        if a == b:
            return 0.0
        if b == self.school_index:
            return float(self.to_school[a])
        if a == self.school_index:
            return float(self.from_school[b])
        return self.legs[a, b]

    def request(self) -> SlotRequest:
        hold_days = self.config["HOLD_FOR_TARGETS_DAYS"]
        return SlotRequest(
            school=getattr(self, "school_index", 0),
            days=self.days,
            school_day=self.school_day,
            length=self.session.length_minutes,
            arrive_before=self.config["ARRIVE_BEFORE_MINUTES"],
            is_target=self.booking.is_target,
            held_share=self.config["HELD_SHARE_FOR_TARGETS"],
            hold_until=self.today + timedelta(days=hold_days),
        )

    def slots(self) -> list[Slot]:
        if not self.diaries:
            return []
        return find_slots(self.request(), self.diaries, self.travel)

    def offers(self, slots) -> list[Offer]:
        return [Offer(s, self.officers[s.officer_id], self.session) for s in slots]

    def still_open(self, officer_id: int, day: date, start: int) -> Slot | None:
        """The slot starting at `start`, if the officer's diary as read now still offers it."""
        diary = next((d for d in self.diaries if d.officer_id == officer_id), None)
        if diary is None or day not in self.days:
            return None
        for slot in day_slots(diary.day(day), self.request(), self.travel):
            if slot.start == start:
                return slot
        return None


def offers_for(
    booking: Booking,
    session,
    count: int | None = None,
    moving: Visit | None = None,
    date_ranges: list[tuple[date, date]] | None = None,
) -> list[Offer]:
    """A few good choices on different days for the school (on `date_ranges` when given, else
    the booking's dates); when `moving` a visit, its own time counts as free, and that time is
    never offered back, with its officer or another: the school has it already."""
    diaries = Diaries(booking, session, ignore_visit=moving, date_ranges=date_ranges)
    count = count or diaries.config["OFFERS_SHOWN"]
    slots = diaries.slots()
    planned = (
        Visit.objects.filter(school=booking.school, status__in=Visit.LIVE)
        .exclude(session__partner=session.partner_id)
        .filter(starts_at__gte=at(diaries.days[0], 0))
        if diaries.days
        else Visit.objects.none()
    )
    joint_days = {timezone.localtime(t).date() for t in planned.values_list("starts_at", flat=True)}
    if moving is not None:
        now_at = timezone.localtime(moving.starts_at)
        slots = [s for s in slots if (s.day, s.start) != (now_at.date(), minutes_of(now_at.time()))]
    return diaries.offers(choose_offers(slots, count, prefer_days=joint_days))


def all_options_for(
    booking: Booking, session, ignore_visit: Visit | None = None, limit: int = 40
) -> list[Offer]:
    """Every feasible slot with its added travel, for the coordinator to choose from."""
    diaries = Diaries(booking, session, ignore_visit=ignore_visit)
    return diaries.offers(diaries.slots()[:limit])
