from django.core import mail
from django.urls import reverse

from safereach.bookings import invitations
from safereach.bookings.models import Invitation, KnownAddress


def test_target_schools_with_a_verified_contact_are_invited_once(client, county, monkeypatch):
    monkeypatch.setattr(
        invitations, "target_school_ids", lambda programme: {county["school"].pk, county["other"].pk}
    )
    KnownAddress.objects.create(school=county["school"], email="Head@Oakfield.sch.uk")
    client.force_login(county["coordinator"])
    url = reverse("bookings:invite") + "?programme=home-fire-safety"

    page = client.get(url)
    assert [r["school"] for r in page.context["rows"]] == [county["school"], county["other"]]
    assert page.context["can_send"] == 1  # Riverside has no verified contact

    client.post(url)

    assert [m.to for m in mail.outbox] == [["head@oakfield.sch.uk"]]
    assert "/book/school/123456/?session=home-fire-safety-juniors" in mail.outbox[0].body
    assert Invitation.objects.get().school == county["school"]
    assert [r["school"] for r in client.get(url).context["rows"]] == [county["other"]]  # not again


def test_without_matrix_scores_there_is_no_one_to_invite(client, county):
    client.force_login(county["coordinator"])
    page = client.get(reverse("bookings:invite") + "?programme=home-fire-safety")
    assert page.context["rows"] == [] and "no school is a target" in page.content.decode()
