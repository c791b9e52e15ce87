"""A fresh demo shows governance working: the administrator's pages list the partners' sharing
agreements and warn of the one due for review and the one that ended; the ended one withholds
the police's crime data from the youth charity's target list (and from nobody else's); and the
council's OFFICIAL-SENSITIVE places ask the police analyst for a reason, which the audit log
then shows."""

from django.urls import reverse
from django.utils.html import escape

from safereach.accounts.models import AuditEvent, User
from safereach.demo.agreements import CRIME_ISA, FIRE_ISA, NOTICES_ISA, PILOT, PLACES_ISA
from safereach.demo.partners import DEMO_EMAIL_DOMAIN
from safereach.matrix.build import build
from safereach.matrix.models import Programme
from safereach.matrix.sharing import WITHHELD

WITHHELD_NOTE = "not in force for your agency"


def signed_in(client, role: str) -> User:
    user = User.objects.get(email=f"{role}@{DEMO_EMAIL_DOMAIN}")
    client.force_login(user)
    return user


def test_the_administrator_sees_the_agreements_their_warnings_and_the_inventory(
        run_demo, client, fixed_today):
    output = run_demo()
    assert ("Sharing agreements: 5 between the partners (4 in force, 1 ended with its data withheld, "
            "1 due for review); the council's vulnerable places and the police's notices are "
            "OFFICIAL-SENSITIVE, for analysts who give a reason: "
            "http://127.0.0.1:8000/governance/agreements/") in output

    signed_in(client, "administrator")
    page = client.get(reverse("governance:agreements")).content.decode()
    for title in (CRIME_ISA, FIRE_ISA, PILOT, PLACES_ISA, NOTICES_ISA):
        assert escape(title) in page
    assert "5 agreements" in page
    # The warnings: the fire incidents' review is due, the pilot's crime data is withheld.
    assert f"“{FIRE_ISA}” is due for review by" in page
    assert f"“{PILOT}” ended on" in page and "its 1 dataset is withheld from other agencies" in page
    assert page.count("govuk-tag--green") == 4 and page.count(">Ended<") == 1

    inventory = client.get(reverse("governance:inventory")).content.decode()
    assert "OFFICIAL-SENSITIVE" in inventory and "roles: Analyst" in inventory
    assert f"under “{PILOT}” (ended " in inventory

    # Rebuilding replaces the agreements with the demo's agencies, never adds a second set.
    run_demo()
    signed_in(client, "administrator")  # the demo's sign-ins are made afresh
    page = client.get(reverse("governance:agreements")).content.decode()
    assert "5 agreements" in page


def test_the_ended_pilot_withholds_crime_from_the_charity_and_the_analyst_gives_a_reason(
        run_demo, client, fixed_today):
    run_demo()
    build([Programme.objects.get(slug="exploitation")], built_by="demo test")
    url = reverse("matrix:target-list", args=["exploitation"])

    # The charity's pilot has ended: its exploitation list withholds what crime data says (the
    # forecast is drawn from it), and the places, sensitive, are for analysts only.
    signed_in(client, "partner")
    page = client.get(url).content.decode()
    assert WITHHELD_NOTE in page
    note = page.split(WITHHELD_NOTE, 1)[1].split("</div>", 1)[0]
    assert "forecast" in note and "places" in note
    assert WITHHELD in client.get(reverse("matrix:school", args=[_top_school(page)])).content.decode()

    # Fire is a party to the crime agreement in force: crime shows; the sensitive places do not,
    # as the council names analysts only.
    signed_in(client, "coordinator")
    page = client.get(url).content.decode()
    note = page.split(WITHHELD_NOTE, 1)[1].split("</div>", 1)[0]
    assert "places" in note and "forecast" not in note

    # The police analyst may see the places, after saying why; the view is audited.
    analyst = signed_in(client, "analyst")
    asked = client.get(url)
    assert asked.status_code == 302 and asked.url.startswith(reverse("governance:reason"))
    reason = "Planning exploitation visits for the county's MACE meeting"
    assert client.post(reverse("governance:reason"), {"reason": reason, "next": url}).url == url
    page = client.get(url).content.decode()
    assert WITHHELD_NOTE not in page
    event = AuditEvent.objects.get(action="sensitive.view", user=analyst)
    assert event.detail["reason"] == reason and "vulnerable places" in event.detail["datasets"][0]

    signed_in(client, "administrator")
    log = client.get(reverse("governance:audit")).content.decode()
    assert "Viewed OFFICIAL-SENSITIVE data" in log and escape(reason) in log


def _top_school(page: str) -> int:
    """The URN of the first school a target list page links to."""
    marker = "/matrix/schools/"
    start = page.index(marker) + len(marker)
    return int(page[start:page.index("/", start)])
