"""The demo county books, asks for and targets sessions only where pupils of their year groups
are taught: key stage 3 and 4 sessions go to secondary schools, never to primary ones."""

from datetime import timedelta

from django.utils import timezone

from safereach.bookings.models import Booking, Visit
from safereach.catalogue.models import Session
from safereach.demo.term_requests import add_term_requests
from safereach.matrix.build import build
from safereach.matrix.models import Programme, Score


def test_demo_visits_and_requests_are_for_year_groups_their_schools_teach(run_demo):
    run_demo()
    today = timezone.localdate()
    add_term_requests(today + timedelta(days=7), today + timedelta(days=60), 40, seed=1)

    visits = list(Visit.objects.filter(is_fictional=True).select_related("school", "session"))
    assert len(visits) >= 200
    assert all(v.session.suits(v.school) for v in visits)
    older = [v for v in visits if min(v.session.year_groups) >= 7]
    assert older and not any(v.school.phase in ("Primary", "Nursery") for v in older)
    bookings = Booking.objects.filter(school__is_fictional=True).select_related("school")
    assert bookings.count() >= 110
    for booking in bookings.prefetch_related("sessions"):
        for session in booking.sessions.all():
            assert booking.year_groups, booking
            assert set(booking.year_groups) <= set(session.year_groups) & booking.school.year_groups_taught


def test_demo_target_lists_rank_schools_teaching_their_year_groups(run_demo):
    run_demo()
    arson, home_fire = Programme.objects.get(slug="arson"), Programme.objects.get(slug="home-fire-safety")
    build([arson, home_fire])

    for programme in (arson, home_fire):
        scores = list(Score.objects.filter(programme=programme, target_list__is_current=True)
                      .select_related("school"))
        assert scores and all(s.school.teaches_any_of(programme.year_groups) for s in scores)
        assert not any(s.school.phase == "Nursery" for s in scores)
        # The demo partners offer something of the programme to each school at the top.
        sessions = list(Session.objects.filter(programme=programme, partner__is_fictional=True))
        top = [s.school for s in scores if s.decile == 1]
        assert top and all(any(session.suits(school) for session in sessions) for school in top)
    arson_schools = set(Score.objects.filter(programme=arson, target_list__is_current=True)
                        .values_list("school__name", flat=True))
    assert not any("Infant" in name for name in arson_schools)
