import uuid

from django.urls import reverse


def test_the_catalogue_as_open_referral_uk_json(client, county):
    document = client.get(reverse("catalogue:open-referral")).json()

    assert document["total_items"] == 3 and len(document["content"]) == 3
    knife = next(s for s in document["content"] if s["name"] == "Knife crime and gangs")
    uuid.UUID(knife["id"])
    assert knife["organization"]["name"] == "Testshire Police"
    uuid.UUID(knife["organization"]["id"])
    assert knife["cost_options"][0]["amount"] == 50.0
    # Years 7 to 9: pupils aged 11 to 14.
    assert knife["eligibilitys"][0]["minimum_age"] == 11 and knife["eligibilitys"][0]["maximum_age"] == 14
    assert knife["service_at_locations"][0]["location"]["name"] == "At the school"
    assert knife["url"] == "http://testserver/sessions/knife-crime/"
    free = next(s for s in document["content"] if s["name"] == "Hoax calls")
    assert free["cost_options"][0]["amount"] == 0 and free["fees"] == "Free"


def test_identifiers_stay_the_same_between_exports(client, county):
    first = client.get(reverse("catalogue:open-referral")).json()
    second = client.get(reverse("catalogue:open-referral")).json()

    assert [s["id"] for s in first["content"]] == [s["id"] for s in second["content"]]
    ids = [s["id"] for s in first["content"]] + [s["organization"]["id"] for s in first["content"]]
    assert len(set(ids)) == len(set(s["organization"]["id"] for s in first["content"])) + 3
