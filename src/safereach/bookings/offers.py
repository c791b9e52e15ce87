"""Offered slots for a booking: the diaries of the officers who can deliver a session, read from
the database, handed to the pure slot search in routing.slots with travel times from the one
travel provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from safereach.bookings.calendar_days import open_days
from safereach.bookings.models import Booking, Visit
from safereach.routing.slots import OfficerDiary, Slot, SlotRequest, choose_offers, day_slots, find_slots
from safereach.routing.slots import Visit as DiaryVisit
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


def minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def at(day: date, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))


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


def window(booking: Booking) -> tuple[int, int]:
    start, end = minutes_of(booking.school_day_starts), minutes_of(booking.school_day_ends)
    lunch = minutes_of(booking.lunch_starts)
    if booking.part_of_day == Booking.PartOfDay.MORNING:
        return start, min(end, lunch)
    if booking.part_of_day == Booking.PartOfDay.AFTERNOON:
        return max(start, lunch + 45), end  # after a 45-minute lunch
    return start, end


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
    ):
        self.booking, self.session = booking, session
        self.config = booking_settings()
        self.today = today or timezone.localdate()
        tomorrow = self.today + timedelta(days=1)  # never today
        days = set()
        for start, end in booking.date_ranges:
            days.update(open_days(booking.school.la_code, max(start, tomorrow), end))
        self.days = sorted(days)
        school = booking.school
        self.school_place = (school.lon, school.lat) if school.lon is not None else None
        if officers is None:
            officers = session.officers.select_related("base")
        self.officers = {o.pk: o for o in officers if o.base is not None}
        self.places: dict[tuple, int] = {}
        self.diaries: list[OfficerDiary] = []
        if not self.days or self.school_place is None or not self.officers:
            return
        self.school_index = self._place(self.school_place)
        visits = (
            Visit.objects.filter(
                officer__in=self.officers.keys(),
                status__in=Visit.LIVE,
                starts_at__gte=at(self.days[0], 0),
                starts_at__lt=at(self.days[-1] + timedelta(days=1), 0),
            )
            .exclude(pk=getattr(ignore_visit, "pk", None))
            .values_list("officer_id", "starts_at", "ends_at", "school__lon", "school__lat")
            .order_by("starts_at")
        )
        by_officer: dict[int, dict[date, list[DiaryVisit]]] = {pk: {} for pk in self.officers}
        for officer_id, starts, ends, lon, lat in visits:
            starts, ends = timezone.localtime(starts), timezone.localtime(ends)
            by_officer[officer_id].setdefault(starts.date(), []).append(
                DiaryVisit(minutes_of(starts.time()), minutes_of(ends.time()), self._place((lon, lat)))
            )
        leave = {pk: set() for pk in self.officers}
        from safereach.workforce.models import Leave

        for officer_id, starts_on, ends_on in Leave.objects.filter(
            officer__in=self.officers.keys(), starts_on__lte=self.days[-1], ends_on__gte=self.days[0]
        ).values_list("officer_id", "starts_on", "ends_on"):
            day = starts_on
            while day <= ends_on:
                leave[officer_id].add(day)
                day += timedelta(days=1)
        for pk, officer in self.officers.items():
            self.diaries.append(
                OfficerDiary(
                    officer_id=pk,
                    base=self._place((officer.base.lon, officer.base.lat)),
                    day_starts=minutes_of(officer.day_starts),
                    day_ends=minutes_of(officer.day_ends),
                    working_weekdays=frozenset(int(d) for d in officer.working_days),
                    max_visits_per_day=officer.max_visits_per_day,
                    away=frozenset(leave[pk]),
                    visits=by_officer[pk],
                )
            )
        self._travel_times()

    def _place(self, lonlat) -> int:
        return self.places.setdefault(tuple(lonlat), len(self.places))

    def _travel_times(self):
        """Three asks of the provider: to the school, from it, and the legs it might replace."""
        provider = travel_provider()
        places = list(self.places)
        school = [self.school_place]
        self.to_school = provider.matrix(places, school)[:, 0]
        self.from_school = provider.matrix(school, places)[0]
        legs = set()
        for diary in self.diaries:
            for day_visits in diary.visits.values():
                stops = [diary.base, *(v.place for v in day_visits), diary.base]
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
        earliest, latest = window(self.booking)
        hold_days = self.config["HOLD_FOR_TARGETS_DAYS"]
        return SlotRequest(
            school=getattr(self, "school_index", 0),
            days=self.days,
            earliest=earliest,
            latest=latest,
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
        for slot in day_slots(diary, day, self.request(), self.travel):
            if slot.start == start:
                return slot
        return None


def offers_for(
    booking: Booking, session, count: int | None = None, moving: Visit | None = None
) -> list[Offer]:
    """A few good choices on different days for the school; when `moving` a visit, its own
    time counts as free and is not offered back."""
    diaries = Diaries(booking, session, ignore_visit=moving)
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
        slots = [
            s
            for s in slots
            if (s.officer_id, s.day, s.start) != (moving.officer_id, now_at.date(), minutes_of(now_at.time()))
        ]
    return diaries.offers(choose_offers(slots, count, prefer_days=joint_days))


def all_options_for(
    booking: Booking, session, ignore_visit: Visit | None = None, limit: int = 40
) -> list[Offer]:
    """Every feasible slot with its added travel, for the coordinator to choose from."""
    diaries = Diaries(booking, session, ignore_visit=ignore_visit)
    return diaries.offers(diaries.slots()[:limit])
