"""Protection officers record notices and what happens to them on forms: every change checked by
the same rules as the register, audited, and bad input a clear GOV.UK error that keeps what was
typed and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import make_user
from safereach.register.models import NoticeEvent, RegisterNotice
from safereach.register.rules import EventKind
from safereach.register.tests.factories import fire_service, happened, protection_officer, served
from safereach.register.tests.states import TODAY, ago

pytestmark = pytest.mark.django_db

GOOD = {
    "number": "FS/2026/014",
    "kind": "enforcement",
    "recipient": "Crown Inns Ltd",
    "recipient_under_18": "no",
    "premises_name": "The Crown Hotel",
    "address": "Typed address, 12 High Street",
    "postcode": "cm1 1be",
    "premises_type": "hotel",
    "served_on": ago(3).isoformat(),
    "compliance_date": (ago(3) + timedelta(days=28)).isoformat(),
    "articles": "A9: risk assessment not suitable\nArticle 14 - emergency routes obstructed",
    "commentary": "",
    "latitude": "51.74",
    "longitude": "0.45",
    "district": "",
}


@pytest.fixture
def officer(client, register_today):
    fire = fire_service()
    user = protection_officer(fire, first_name="Pat", last_name="Quinn")
    client.force_login(user)
    return user


def counts():
    return (RegisterNotice.objects.count(), NoticeEvent.objects.count(), AuditEvent.objects.count())


def assert_error_page(response, field, message, kept="Typed address"):
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    start = html.index('class="govuk-error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert f'<a href="#id_{field}">{message}</a>' in summary, summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    if kept:
        assert kept in html


def test_an_officer_records_a_notice_served(client, officer, districts):
    response = client.post(reverse("register:new-notice"), GOOD)
    notice = RegisterNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "register:notice", args=[notice.pk]
    )
    assert (notice.number, notice.postcode, notice.agency) == ("FS/2026/014", "CM1 1BE", officer.agency)
    assert [str(a) for a in notice.article_list] == [
        "A9: risk assessment not suitable",
        "A14: emergency routes obstructed",
    ]
    assert notice.district == districts["Riverside"]  # worked out from the location
    assert notice.public_from == ago(3) + timedelta(days=22)
    [served_event] = notice.events.all()
    assert (served_event.kind, served_event.on, served_event.recorded_by) == ("served", ago(3), officer)
    audit = AuditEvent.objects.get()
    assert (audit.user, audit.action) == (officer, "register.notice.record")
    assert audit.detail["notice"] == str(notice.public_id)
    page = client.get(response["Location"]).content.decode()
    assert "Notice FS/2026/014 recorded" in page
    assert f"Appears on the register on {(ago(3) + timedelta(days=22)):%-d %B %Y}" in page


BAD = [
    pytest.param({"number": " "}, "number", "Enter the notice number", id="no-number"),
    pytest.param({"kind": ""}, "kind_0", "Select the kind of notice", id="no-kind"),
    pytest.param({"recipient": ""}, "recipient", "Enter who the notice was served on", id="no-recipient"),
    pytest.param(
        {"recipient_under_18": ""},
        "recipient_under_18_0",
        "Select yes if it was served on a person under 18",
        id="under-18-unanswered",
    ),
    pytest.param({"premises_type": ""}, "premises_type", "Select the type of premises", id="no-type"),
    pytest.param({"served_on": ""}, "served_on", "Enter the date the notice was served", id="no-date"),
    pytest.param(
        {"served_on": "2026-02-30"},
        "served_on",
        "Enter the date the notice was served as a real date, for example 01/03/2027",
        id="not-a-day",
    ),
    pytest.param(
        {"served_on": (TODAY + timedelta(days=1)).isoformat(), "compliance_date": "2026-06-01"},
        "served_on",
        "The date served must be today or in the past",
        id="served-tomorrow",
    ),
    pytest.param(
        {"compliance_date": (ago(3) + timedelta(days=27)).isoformat()},
        "compliance_date",
        "An enforcement notice gives at least 28 days to comply: the compliance date must be "
        f"{(ago(3) + timedelta(days=28)):%-d %B %Y} or later",
        id="under-28-days",
    ),
    pytest.param(
        {"kind": "alterations"},
        "compliance_date",
        "An alterations notice has no compliance date: leave it blank",
        id="alterations-with-date",
    ),
    pytest.param(
        {"articles": ""},
        "articles",
        "Enter the articles breached, for example A9: risk assessment not suitable",
        id="no-articles",
    ),
    pytest.param(
        {"articles": "fire doors wedged open"},
        "articles",
        "“fire doors wedged open” is not an article: write each one as, for example, "
        "A9: risk assessment not suitable",
        id="not-an-article",
    ),
    pytest.param(
        {"articles": "A99: nothing"},
        "articles",
        "A99 is not a duty of the Fire Safety Order a notice can name (A8 to A24, or A38)",
        id="unknown-article",
    ),
    pytest.param(
        {"postcode": "Chelmsford"},
        "postcode",
        "Enter a real postcode, like CM1 1QQ, or leave it blank",
        id="bad-postcode",
    ),
    pytest.param(
        {"longitude": ""}, "longitude", "Enter the longitude too, or leave both blank", id="half-location"
    ),
    pytest.param(
        {"latitude": "0.45", "longitude": "51.74"},
        "latitude",
        "The location is not in Great Britain: latitude 0.45 and longitude 51.74 look swapped "
        "(latitude should be about 50 to 61 in Great Britain)",
        id="swapped",
    ),
    pytest.param(
        {"latitude": "north"},
        "latitude",
        "Enter the latitude as a number, for example 51.7356",
        id="latitude-not-a-number",
    ),
    pytest.param(
        {"commentary": "x" * 1001},
        "commentary",
        "Keep the commentary to 1,000 characters at most",
        id="long-commentary",
    ),
    pytest.param(
        {"district": "E07999999"}, "district", "Select a district from the list", id="unknown-district"
    ),
]


@pytest.mark.parametrize("changes, field, message", BAD)
def test_a_notice_with_a_mistake_is_not_recorded(client, officer, changes, field, message):
    before = counts()
    response = client.post(reverse("register:new-notice"), {**GOOD, **changes})
    assert_error_page(response, field, message)
    assert counts() == before


def test_a_notice_number_is_recorded_once_per_service(client, officer):
    served(officer.agency, ago(40), number="FS/2026/014")
    before = counts()
    response = client.post(reverse("register:new-notice"), {**GOOD, "number": "fs/2026/014"})
    assert_error_page(
        response, "number", "Notice fs/2026/014 is already recorded: find it in the list of notices"
    )
    assert counts() == before
    other = fire_service("Southshire Fire and Rescue Service")
    served(other, ago(40), number="FS/2026/099")
    assert client.post(reverse("register:new-notice"), {**GOOD, "number": "FS/2026/099"}).status_code == 302


def test_correcting_the_details_keeps_what_they_were(client, officer):
    notice = served(officer.agency, ago(40), number="FS/1", postcode="CM1 1BE")
    form = client.get(reverse("register:edit-notice", args=[notice.pk])).content.decode()
    assert 'value="FS/1"' in form and "A9: risk assessment not suitable" in form
    data = {
        **GOOD,
        "number": "FS/1",
        "served_on": ago(40).isoformat(),
        "compliance_date": (ago(40) + timedelta(days=60)).isoformat(),
        "postcode": "CM2 0AS",
        "correction_note": "Postcode mistyped",
    }
    assert client.post(reverse("register:edit-notice", args=[notice.pk]), data).status_code == 302
    notice.refresh_from_db()
    assert notice.postcode == "CM2 0AS"
    correction = notice.events.get(kind=EventKind.CORRECTED)
    assert correction.changes["postcode"] == ["CM1 1BE", "CM2 0AS"] and correction.note == "Postcode mistyped"
    assert (
        AuditEvent.objects.get(action="register.notice.correct").detail["changes"]["postcode"][1] == "CM2 0AS"
    )
    # The same again changes nothing and records nothing.
    assert client.post(reverse("register:edit-notice", args=[notice.pk]), data).status_code == 302
    assert notice.events.filter(kind=EventKind.CORRECTED).count() == 1


def test_a_correction_cannot_move_service_after_what_happened_since(client, officer):
    notice = served(officer.agency, ago(40), number="FS/1")
    happened(notice, EventKind.APPEAL_LODGED, ago(30))
    before = counts()
    data = {
        **GOOD,
        "number": "FS/1",
        "served_on": ago(20).isoformat(),
        "compliance_date": (ago(20) + timedelta(days=60)).isoformat(),
    }
    response = client.post(reverse("register:edit-notice", args=[notice.pk]), data)
    assert_error_page(
        response,
        "served_on",
        f"That does not fit the appeal lodged recorded on {ago(30):%-d %B %Y}: the date must be on or "
        f"after the day the notice was served, {ago(20):%-d %B %Y}",
    )
    assert counts() == before


def test_a_correction_cannot_make_a_complied_notice_an_alterations_notice(client, officer):
    notice = served(officer.agency, ago(40), number="FS/1")
    happened(notice, EventKind.COMPLIED, ago(3))
    before = counts()
    data = {
        **GOOD,
        "number": "FS/1",
        "kind": "alterations",
        "served_on": ago(40).isoformat(),
        "compliance_date": "",
    }
    response = client.post(reverse("register:edit-notice", args=[notice.pk]), data)
    assert_error_page(
        response,
        "kind_0",
        f"That does not fit the complied recorded on {ago(3):%-d %B %Y}: "
        "an alterations notice has nothing to comply with: record it as "
        "withdrawn when it is no longer needed",
    )
    assert counts() == before


def test_recording_what_happened(client, officer):
    notice = served(officer.agency, ago(40), number="FS/1")
    page = client.get(reverse("register:notice", args=[notice.pk])).content.decode()
    assert "Complied</a>" in page and "Appeal decided</a>" not in page  # no appeal to decide
    url = reverse("register:add-event", args=[notice.pk, "complied"])
    response = client.post(url, {"on": ago(2).isoformat(), "note": "Revisit found the doors fixed"})
    assert response.status_code == 302
    event = notice.events.get(kind=EventKind.COMPLIED)
    assert (event.on, event.recorded_by, event.note) == (ago(2), officer, "Revisit found the doors fixed")
    assert AuditEvent.objects.get(action="register.event.complied").detail["event"] == event.pk


EVENT_BAD = [
    pytest.param(
        "appeal_lodged",
        {"on": ago(18).isoformat()},
        "on",
        f"An appeal must be lodged within 21 days of service, by {ago(19):%-d %B %Y}",
        id="appeal-late",
    ),
    pytest.param(
        "complied",
        {"on": ""},
        "on",
        "Enter the date the authority was satisfied the work was done",
        id="no-date",
    ),
    pytest.param(
        "complied",
        {"on": (TODAY + timedelta(days=1)).isoformat()},
        "on",
        "The date must be today or in the past",
        id="tomorrow",
    ),
    pytest.param(
        "complied",
        {"on": ago(41).isoformat()},
        "on",
        f"The date must be on or after the day the notice was served, {ago(40):%-d %B %Y}",
        id="before-service",
    ),
    pytest.param(
        "compliance_extended",
        {"on": ago(1).isoformat(), "compliance_date": ago(0).isoformat()},
        "compliance_date",
        "The new compliance date must be later than the current one, "
        f"{(ago(40) + timedelta(days=60)):%-d %B %Y}",
        id="not-later",
    ),
    pytest.param(
        "appeal_decided",
        {"on": ago(1).isoformat(), "outcome": "upheld"},
        "on",
        "No appeal has been recorded: record the appeal being lodged first",
        id="no-appeal",
    ),
    pytest.param(
        "trade_secret_decided", {"on": ago(1).isoformat()}, "outcome_0", "Select the outcome", id="no-outcome"
    ),
    pytest.param(
        "varied",
        {"on": ago(1).isoformat(), "articles": "A9 and more"},
        "articles",
        "“A9 and more” is not an article: write each one as, for example, A9: risk assessment not suitable",
        id="bad-articles",
    ),
]


@pytest.mark.parametrize("kind, data, field, message", EVENT_BAD)
def test_an_event_the_rules_rule_out_is_not_recorded(client, officer, kind, data, field, message):
    notice = served(officer.agency, ago(40), number="FS/1")
    before = counts()
    response = client.post(
        reverse("register:add-event", args=[notice.pk, kind]), {**data, "note": "Typed note"}
    )
    assert_error_page(response, field, message, kept="Typed note")
    assert counts() == before


def test_striking_out_an_event_recorded_in_error(client, officer):
    notice = served(officer.agency, ago(100), number="FS/1")
    complied = happened(notice, EventKind.COMPLIED, ago(20))
    url = reverse("register:strike-out", args=[notice.pk])
    before = counts()
    assert_error_page(
        client.post(url, {"corrects": str(complied.pk), "note": ""}),
        "note",
        "Say what was wrong with it",
        kept=None,
    )
    assert_error_page(
        client.post(url, {"corrects": "999999", "note": "Typed reason"}),
        "corrects_0",
        "Select the event recorded in error",
        kept="Typed reason",
    )
    assert counts() == before
    assert client.post(url, {"corrects": str(complied.pk), "note": "Wrong notice"}).status_code == 302
    strike = notice.events.get(kind=EventKind.IN_ERROR)
    assert strike.corrects == complied
    page = client.get(reverse("register:notice", args=[notice.pk])).content.decode()
    assert "Struck out" in page and "Complied</a>" in page  # it may be recorded again, rightly


def test_only_protection_staff_of_the_service_may_record(client, register_today):
    fire = fire_service()
    notice = served(fire, ago(40))
    url = reverse("register:notice", args=[notice.pk])
    assert client.get(url)["Location"].startswith(reverse("accounts:sign-in"))
    client.force_login(make_user(Role.ANALYST, agency=fire))
    assert client.get(url).status_code == 403
    client.force_login(protection_officer(fire_service("Southshire Fire and Rescue Service")))
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("register:add-event", args=[notice.pk, "withdrawn"]), {"on": ago(1).isoformat()}
        ).status_code
        == 404
    )
    client.force_login(protection_officer(None))
    response = client.get(reverse("register:new-notice"))
    assert (
        response.status_code == 403 and "not linked to a fire and rescue service" in response.content.decode()
    )
    assert client.get(reverse("register:add-event", args=[notice.pk, "nonsense"])).status_code == 404
