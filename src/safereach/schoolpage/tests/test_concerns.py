"""A school's safeguarding lead shares a concern: routed by topic and area to named staff,
acknowledged with a reference, seen only by its recipients with every view audited, deleted
after its retention period. The form is plain HTML (it works with JavaScript off)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from safereach.accounts.concern_routing import route_concern
from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import make_user
from safereach.schoolpage.links import school_page_url
from safereach.schoolpage.tests.factories import add_districts, concern_data, make_recipients
from safereach.schools.models import Concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(county):
    add_districts(county)
    users = make_recipients()
    form = school_page_url(county["school"], "s.patel@oakfield.sch.uk") + "concern/"
    return {"form": form, **users}


def send(client, setup, **extra):
    return client.post(setup["form"], concern_data(**extra))


def test_routing_takes_the_closest_rules():
    # No rules: nobody.
    assert not route_concern("exploitation", "E07000070")


def test_routing_by_topic_and_area(county, setup):
    police = route_concern("exploitation", "E07000070")
    assert [u.email for u in police.recipients] == ["dc.ward@police.example"]
    # Another district, or another topic: the council's any-topic, anywhere rule.
    assert [u.email for u in route_concern("exploitation", "E07000074").recipients] == [
        "mash@council.example"]
    assert [u.email for u in route_concern("fire-setting", "E07000070").recipients] == [
        "mash@council.example"]
    # A rule whose named staff have all left routes nothing; the next closest takes over.
    setup["police_recipient"].is_active = False
    setup["police_recipient"].save()
    assert [u.email for u in route_concern("exploitation", "E07000070").recipients] == [
        "mash@council.example"]


def test_the_form_states_999_and_the_front_door_number_at_the_top(client, setup, settings):
    settings.SAFEREACH_SCHOOLS = {**settings.SAFEREACH_SCHOOLS, "FRONT_DOOR_NAME": "Testshire MASH",
                                  "FRONT_DOOR_PHONE": "0300 123 4567"}
    html = client.get(setup["form"]).content.decode()
    top = html.index("call 999 now")
    assert top < html.index("<h1") and top < html.index("<form")
    assert "Testshire MASH on 0300 123 4567" in html
    assert 'type="file"' not in html and "<script" not in html.split("<main")[1].split("</main>")[0]


def test_a_concern_is_routed_acknowledged_and_stored_as_written(
        client, setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, setup)
    concern = Concern.objects.get()
    assert response.status_code == 302 and concern.reference in response["Location"]
    assert concern.what_was_seen == concern_data()["what_was_seen"]
    assert list(concern.recipients.all()) == [setup["police_recipient"]]
    assert concern.delete_after == timezone.localdate() + timedelta(days=365)
    acknowledged = client.get(response["Location"]).content.decode()
    assert concern.reference in acknowledged and "Testshire Police" in acknowledged
    assert "getting into a car" not in acknowledged
    to_recipient, to_school = mail.outbox
    assert to_recipient.to == ["dc.ward@police.example"] and "OFFICIAL-SENSITIVE" in to_recipient.subject
    assert to_school.to == ["j.reid@oakfield.sch.uk"] and concern.reference in to_school.body
    for message in mail.outbox:  # what was seen never leaves the service by email
        assert "getting into a car" not in message.body
    assert AuditEvent.objects.filter(action="schools.concern.receive", target=concern.reference).exists()


@pytest.mark.parametrize("change, message", [
    ({"reporter_name": ""}, "Enter your name"),
    ({"reporter_role": ""}, "Enter your role at the school"),
    ({"reporter_email": "jo@"}, "Enter an email address like"),
    ({"is_safeguarding_lead": ""}, "Confirm that you are the designated safeguarding lead"),
    ({"topic": ""}, "Select what the concern is about"),
    ({"topic": "aliens"}, "from the list"),
    ({"area": ""}, "Select where it is happening"),
    ({"area": "E99999999"}, "Select an area from the list"),
    ({"what_was_seen": "   \n "}, "Describe what was seen or heard"),
    ({"what_was_seen": "x" * 5001}, "Keep this to 5,000 characters or fewer"),
    ({"when_seen": "y" * 201}, "Keep this to 200 characters or fewer"),
    ({"urgency": "yesterday"}, "from the list"),
])
def test_bad_input_is_named_keeps_what_was_typed_and_sends_nothing(
        client, setup, change, message, table_counts):
    before = table_counts()
    response = send(client, setup, **change)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and "govuk-error-summary" in html
    if "what_was_seen" not in change:
        assert "&lt;b&gt;after school&lt;/b&gt;" in html  # kept, and escaped
    if "reporter_name" not in change:
        assert 'value="Jo Reid"' in html
    assert table_counts() == before and mail.outbox == []


def test_files_are_not_accepted(client, setup, table_counts):
    before = table_counts()
    data = concern_data(photo=SimpleUploadedFile("car.jpg", b"\xff\xd8\xff", "image/jpeg"))
    response = client.post(setup["form"], data)
    assert response.status_code == 200
    assert "Files cannot be sent with a concern" in response.content.decode()
    assert table_counts() == before


def test_a_topic_and_area_nobody_takes_is_refused_with_the_number_to_call(client, county, table_counts):
    add_districts(county)  # no routing rules at all
    before = table_counts()
    url = school_page_url(county["school"], "s.patel@oakfield.sch.uk") + "concern/"
    html = client.post(url, concern_data()).content.decode()
    assert "No partner here takes concerns on this topic in this area yet" in html
    assert table_counts() == before


def test_concerns_are_rate_limited_as_forms_that_email_others(client, setup, settings):
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT, "EMAILING_SUBMISSIONS": 1}
    assert send(client, setup).status_code == 302
    assert send(client, setup).status_code == 429
    assert Concern.objects.count() == 1


def test_the_recipient_reads_it_escaped_and_every_view_is_audited(client, setup):
    send(client, setup)
    concern = Concern.objects.get()
    client.force_login(setup["police_recipient"])
    inbox = client.get("/schools/concerns/").content.decode()
    assert concern.reference in inbox and "getting into a car" not in inbox
    for _ in range(2):
        response = client.get(f"/schools/concerns/{concern.reference}/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    html = response.content.decode()
    assert "&lt;b&gt;after school&lt;/b&gt;" in html and "<b>after school</b>" not in html
    assert "OFFICIAL-SENSITIVE" in html
    views = AuditEvent.objects.filter(action="schools.concern.view", target=concern.reference)
    assert views.count() == 2 and {e.user for e in views} == {setup["police_recipient"]}


@pytest.mark.parametrize("who", ["council_recipient", "police_colleague", *Role.values])
def test_nobody_but_its_recipients_can_open_it(client, setup, agency, who):
    """Another agency's recipient, a colleague in the same agency, and every role (an
    administrator too) get 'not found', and the attempt is audited."""
    send(client, setup)
    concern = Concern.objects.get()
    user = setup[who] if who in setup else make_user(who, agency=setup["police_recipient"].agency)
    client.force_login(user)
    assert client.get(f"/schools/concerns/{concern.reference}/").status_code == 404
    assert concern.reference not in client.get("/schools/concerns/").content.decode()
    assert AuditEvent.objects.filter(action="schools.concern.refused", user=user,
                                     target=concern.reference).exists()
    assert not AuditEvent.objects.filter(action="schools.concern.view").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, setup):
    send(client, setup)
    reference = Concern.objects.get().reference
    response = client.get(f"/schools/concerns/{reference}/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_concerns_are_not_in_the_admin(client, setup, sign_in_as):
    sign_in_as(Role.ADMINISTRATOR)
    assert client.get("/admin/schools/concern/").status_code == 404


def test_concerns_are_deleted_after_their_retention_period(client, setup):
    send(client, setup)
    concern = Concern.objects.get()
    call_command("delete_expired_concerns", today=(concern.delete_after - timedelta(days=1)).isoformat())
    assert Concern.objects.count() == 1
    call_command("delete_expired_concerns", today=concern.delete_after.isoformat())
    assert Concern.objects.count() == 0
    event = AuditEvent.objects.get(action="schools.concern.delete_expired")
    assert event.detail["references"] == [concern.reference]


def test_without_district_boundaries_the_school_area_is_offered(client, county):
    make_recipients()  # the council's any-topic, anywhere rule takes it
    county["school"].la_name = "Essex"
    county["school"].save()
    url = school_page_url(county["school"], "s.patel@oakfield.sch.uk") + "concern/"
    assert '<option value="not-known">Essex</option>' in client.get(url).content.decode()
    assert client.post(url, concern_data(area="not-known")).status_code == 302
    concern = Concern.objects.get()
    assert concern.area_name == "Essex"
    assert [u.email for u in concern.recipients.all()] == ["mash@council.example"]
