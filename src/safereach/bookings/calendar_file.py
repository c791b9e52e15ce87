"""The .ics calendar file sent with every confirmation and change."""

from django.utils import timezone
from icalendar import Calendar, Event


def booking_calendar(booking, visits, manage_link: str, cancelled: bool = False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//SafeReach//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    for visit in visits:
        event = Event()
        # One UID per visit, and a sequence that rises with every change, so a calendar
        # updates the event it already has rather than adding another.
        event.add("uid", f"visit-{visit.pk}@safereach")
        event.add("sequence", int(visit.updated_at.timestamp()) - 1_700_000_000)
        event.add("dtstamp", timezone.now())
        event.add("dtstart", visit.starts_at)
        event.add("dtend", visit.ends_at)
        event.add("summary", f"{visit.session.title} ({visit.session.partner.name})")
        event.add("location", f"{visit.school.name}, {visit.school.town}".strip(", "))
        event.add(
            "description",
            (
                f"Booking {booking.reference}. Delivered by {visit.officer.name} of "
                f"{visit.session.partner.name}. To reschedule or cancel: {manage_link}"
            ),
        )
        event.add("status", "CANCELLED" if cancelled or visit.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
