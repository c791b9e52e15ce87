"""A school says what would help it; its own tier stands until a coordinator confirms or
changes it with a reason, which is audited; the tier in force is what the matrix reads."""

import pytest

from safereach.accounts.models import AuditEvent, Role
from safereach.schoolpage.links import school_page_url
from safereach.schoolpage.needs import current_school_year
from safereach.schoolpage.tests.factories import add_districts
from safereach.schools.models import SchoolNeed, TierDecision

pytestmark = pytest.mark.django_db


def need_data(**extra):
    data = {"topics": ["knife-crime", "online-safety"], "in_own_words": "Vaping in the toilets",
            "year_groups": ["5", "6"], "cohorts": ["send"], "urgency": "this-term",
            "own_tier": "2", "contact_name": "Sam Patel", "contact_email": "s.patel@oakfield.sch.uk"}
    data.update(extra)
    return data


@pytest.fixture
def page(county):
    add_districts(county)
    return school_page_url(county["school"], "s.patel@oakfield.sch.uk")


def test_the_school_says_what_would_help_and_its_tier_is_in_force(client, county, page):
    response = client.post(page + "what-would-help/", need_data())
    assert response.status_code == 302
    need = SchoolNeed.objects.get()
    assert (need.topics, need.year_groups, need.cohorts, need.own_tier) == (
        ["knife-crime", "online-safety"], [5, 6], ["send"], 2)
    assert need.school_year == current_school_year()
    county["school"].refresh_from_db()
    assert county["school"].need_tier == 2
    shown = client.get(page).content.decode()
    assert "Knife crime and gangs, Online safety" in shown and "Vaping in the toilets" in shown


def test_not_sure_leaves_no_tier(client, county, page):
    client.post(page + "what-would-help/", need_data(own_tier="0"))
    assert SchoolNeed.objects.get().own_tier is None
    county["school"].refresh_from_db()
    assert county["school"].need_tier is None
    form = client.get(page + "what-would-help/").content.decode()
    assert 'value="0" checked' in form


@pytest.mark.parametrize("change, message", [
    ({"topics": [], "in_own_words": ""}, "Select at least one topic, or say in your own words"),
    ({"topics": ["not-a-topic"]}, "from the list"),
    ({"year_groups": ["12"]}, "from the list"),  # a primary school has no Year 12
    ({"urgency": ""}, "Select how urgent it is"),
    ({"own_tier": ""}, "Select the tier that best describes your school"),
    ({"own_tier": "7"}, "from the list"),
    ({"contact_name": ""}, "Enter your name"),
    ({"contact_email": "sam at school"}, "Enter an email address like"),
    ({"in_own_words": "x" * 2001}, "Keep this to 2,000 characters or fewer"),
])
def test_bad_input_is_named_keeps_what_was_typed_and_changes_nothing(
        client, county, page, change, message, table_counts):
    before = table_counts()
    response = client.post(page + "what-would-help/", need_data(**change))
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert "govuk-error-summary" in html
    assert 'value="Sam Patel"' in html or change.get("contact_name") == ""
    assert "Vaping in the toilets" in html or "in_own_words" in change
    assert table_counts() == before


def test_a_coordinator_confirms_or_changes_the_tier_with_a_reason(client, county, page, sign_in_as):
    client.post(page + "what-would-help/", need_data(own_tier="3"))
    coordinator = sign_in_as(Role.COORDINATOR)
    listing = client.get("/schools/tiers/").content.decode()
    assert "Oakfield Primary School" in listing and "Tier 3: complex" in listing

    response = client.post("/schools/tiers/123456/", {"tier": "2", "reason": "Matches the "
                                                      "council's view after the MACE meeting"})
    assert response.status_code == 302
    county["school"].refresh_from_db()
    assert county["school"].need_tier == 2
    decision = TierDecision.objects.get()
    assert (decision.source, decision.decided_by) == (TierDecision.Source.COORDINATOR, coordinator)
    event = AuditEvent.objects.get(action="schools.tier.decide")
    assert event.user == coordinator and event.detail["was"] == 3 and event.detail["tier"] == 2
    # Decided: no longer waiting, and the school sees the decision.
    assert "Waiting for you (0)" in client.get("/schools/tiers/").content.decode()
    client.logout()
    assert "A coordinator decided this" in client.get(page).content.decode()


@pytest.mark.parametrize("data, message", [
    ({"tier": "", "reason": "x"}, "Select the school&#x27;s tier of need"),
    ({"tier": "4", "reason": "x"}, "from the list"),
    ({"tier": "1", "reason": "   "}, "Say why you confirm or change the tier"),
])
def test_a_tier_decision_needs_a_tier_and_a_reason(client, county, sign_in_as, data, message,
                                                    table_counts):
    sign_in_as(Role.COORDINATOR)
    before = table_counts()
    response = client.post("/schools/tiers/123456/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert table_counts() == before


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ANALYST, Role.OFFICER])
def test_only_coordinators_decide_tiers(client, county, sign_in_as, role):
    sign_in_as(role)
    assert client.get("/schools/tiers/").status_code == 403
    assert client.post("/schools/tiers/123456/", {"tier": "1", "reason": "x"}).status_code == 403


def test_the_tier_in_force_feeds_the_matrix_need_indicator(county, page, client, sign_in_as):
    from safereach.matrix.evidence import load_evidence

    client.post(page + "what-would-help/", need_data(own_tier="3"))
    evidence, ids = load_evidence()
    assert evidence.school_need_tier[ids.index(county["school"].pk)] == 3
    sign_in_as(Role.COORDINATOR)
    client.post("/schools/tiers/123456/", {"tier": "1", "reason": "Council assessment"})
    evidence, ids = load_evidence()
    assert evidence.school_need_tier[ids.index(county["school"].pk)] == 1
