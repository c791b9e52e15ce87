"""Every page × every kind of visitor × agency: the answer each gets is written down in
tests/access_expected.txt, one row a page (by URL name) and one column an identity.

The pages come from the URL resolver itself, so a page added without a row here fails
(`test_every_page_has_a_rule`), and so does a row for a page that has gone. Objects in the URLs
belong to the fire service (agency A); `police_coordinator` is a coordinator of another agency
and `no_agency_coordinator` one of none, who must see no agency's data.

A cell is the status of a GET: 200, 403, 404, 405 (a form's action, POST only), `signin` (sent
to sign in) or `302` (sent elsewhere). Where the answer must change, change the row by hand; to
write every row afresh from what the site answers today (then read the diff line by line):
    SAFEREACH_WRITE_ACCESS_EXPECTED=1 pytest tests/test_access_by_url_role_agency.py
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.diary import at
from safereach.bookings.links import make_token
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.delivery.officer_week import feed_token
from safereach.planning.models import PlanRun
from safereach.schoolpage.links import school_token, visit_token
from safereach.workforce.models import Leave

EXPECTED = Path(__file__).with_name("access_expected.txt")
IDENTITIES = [
    "anonymous",
    *Role.values,
    "police_coordinator",
    "no_agency_coordinator",
]
NO_SUCH = "999999"


def pages() -> dict[str, str]:
    """URL name -> route, for every page but Django's admin (which is for administrators only,
    and checks that itself) and the favicon."""
    found = {}

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                inner = namespace + (f"{p.namespace}:" if p.namespace else "")
                walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern) and p.name:
                found[namespace + p.name] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns)
    return found


def read_expected() -> dict[str, dict[str, str]]:
    rows = {}
    for line in EXPECTED.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, *cells = line.split()
        rows[name] = dict(zip(IDENTITIES, cells, strict=True))
    return rows


@pytest.fixture
def world(county):
    """One of each thing a URL names, belonging to the fire service."""
    fire, police = county["fire"], county["police"]
    monday = quiet_monday()
    booking = Booking.objects.create(
        school=county["school"], contact_name="Sam", contact_email="sam@oakfield.sch.uk",
        dates_from=monday, dates_to=monday + timedelta(days=4), pupils=25, year_groups=[5],
        status=Booking.Status.CONFIRMED,
    )
    booking.sessions.add(county["home_fire"])
    visit = Visit.objects.create(
        booking=booking, school=county["school"], session=county["home_fire"], officer=county["owen"],
        starts_at=at(monday, 600), ends_at=at(monday, 660), status=Visit.Status.CONFIRMED,
    )
    run = PlanRun.objects.create(asked_by=county["coordinator"], agency=fire, seconds=1,
                                 first_day=monday, last_day=monday + timedelta(days=4))
    today = timezone.localdate()
    leave = Leave.objects.create(officer=county["owen"], starts_on=today + timedelta(days=60),
                                 ends_on=today + timedelta(days=61), reason="Course")
    users = {
        "anonymous": None,
        **{role: make_user(role, agency=fire) for role in Role.values},
        "police_coordinator": make_user(Role.COORDINATOR, agency=police),
        "no_agency_coordinator": make_user(Role.COORDINATOR, agency=None),
    }
    values = {
        "urn": county["school"].urn, "slug": "home-fire-safety", "fmt": "csv", "pk": NO_SUCH,
        "visit_id": visit.pk, "leave_pk": leave.pk, "key": "not-a-key", "kind": "served",
        "public_id": "00000000-0000-0000-0000-000000000000", "reference": "C-NONE",
        "token": "not-a-token", "agency": fire.slug,
    }
    # Per page, the values that name the fire service's own things.
    special = {
        "bookings:times": {"token": make_token(booking, "choose")},
        "bookings:held": {"token": make_token(booking, "choose")},
        "bookings:confirm": {"token": make_token(booking, "confirm")},
        "bookings:manage": {"token": make_token(booking, "manage")},
        "bookings:cancel": {"token": make_token(booking, "manage")},
        "bookings:reschedule": {"token": make_token(booking, "manage")},
        "bookings:coordinator-booking": {"pk": booking.pk},
        "bookings:coordinator-action": {"pk": booking.pk},
        "planning:term-plan-run": {"pk": run.pk},
        "planning:term-plan-progress": {"pk": run.pk},
        "planning:term-plan-apply": {"pk": run.pk},
        "workforce:officer": {"pk": county["owen"].pk},
        "workforce:read-calendar": {"pk": county["owen"].pk},
        "workforce:remove-leave": {"pk": county["owen"].pk},
        "week:officer": {"pk": county["owen"].pk},
        "week:reset-feed": {"pk": county["owen"].pk},
        "week:feed": {"pk": county["owen"].pk, "token": feed_token(county["owen"])},
        "catalogue:edit-session": {"slug": county["home_fire"].slug},
        "catalogue:session": {"slug": county["home_fire"].slug},
        "schoolpage:page": {"token": school_token(county["school"], "sam@oakfield.sch.uk")},
        "schoolpage:needs": {"token": school_token(county["school"], "sam@oakfield.sch.uk")},
        "schoolpage:share-concern": {"token": school_token(county["school"], "sam@oakfield.sch.uk")},
        "schoolpage:feedback": {"token": visit_token(visit)},
        "schoolpage:knowledge-check": {"token": visit_token(visit)},
        "schoolpage:session-feedback": {"slug": county["home_fire"].slug},
    }
    return users, values, special


def answer(client, user, url) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if response.status_code == 302:
        return "signin" if response["Location"].startswith(reverse("accounts:sign-in")) else "302"
    return str(response.status_code)


def url_of(name, route, values, special) -> str:
    needed = re.findall(r"<(?:\w+:)?(\w+)>", route)
    given = {**values, **special.get(name, {})}
    return reverse(name, kwargs={k: given[k] for k in needed})


def test_every_page_has_a_rule():
    written, found = set(read_expected()), set(pages())
    assert found - written == set(), "pages without a row in access_expected.txt"
    assert written - found == set(), "rows in access_expected.txt for pages that are gone"


def test_each_identity_gets_the_answer_written_down(client, world):
    users, values, special = world
    seen = {}
    for name, route in sorted(pages().items()):
        url = url_of(name, route, values, special)
        seen[name] = {who: answer(client, users[who], url) for who in IDENTITIES}
    if os.environ.get("SAFEREACH_WRITE_ACCESS_EXPECTED"):
        write(seen)
    expected = read_expected()
    wrong = [
        f"{name} as {who}: expected {expected.get(name, {}).get(who)}, got {got}"
        for name, row in seen.items() for who, got in row.items()
        if expected.get(name, {}).get(who) != got
    ]
    assert wrong == []


def write(seen):
    header = EXPECTED.read_text().split("\n# url ")[0] if EXPECTED.exists() else ""
    width = max(map(len, seen)) + 2
    cols = [max(len(w), 6) for w in IDENTITIES]
    lines = [header.rstrip("\n"),
             "# url" + " " * (width - 5) + " ".join(f"{w:>{c}}" for w, c in zip(IDENTITIES, cols))]
    for name in sorted(seen):
        lines.append(f"{name:<{width}}" + " ".join(f"{seen[name][w]:>{c}}" for w, c in zip(IDENTITIES, cols)))
    EXPECTED.write_text("\n".join(line for line in lines if line) + "\n")
