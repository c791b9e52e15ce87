"""The schools' side in a real browser, at desktop and phone widths: a school contact (its page,
what would help, a concern with JavaScript off, feedback, a knowledge check), a partner (unmet
demand, feedback, questions), a coordinator (tiers), a concern's recipient and someone who
should not see it. Bad input in every field is named and kept; every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.tests.factories import make_county
from safereach.schoolpage.links import feedback_url, school_page_url
from safereach.schoolpage.models import Feedback, KnowledgeCheckResult, KnowledgeQuestion
from safereach.schoolpage.needs import current_school_year
from safereach.schoolpage.tests.factories import add_districts, make_recipients, make_visit
from safereach.schools.models import Concern, SchoolNeed
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]


@pytest.fixture
def schools_county(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    county = make_county()
    add_districts(county)
    county.update(make_recipients())
    county["visit"] = make_visit(county)
    KnowledgeQuestion.objects.create(session=county["home_fire"], position=1,
                                     text="What number do you call in a fire?",
                                     answers=["999", "111"], correct=0)
    SchoolNeed.objects.create(school=county["other"], school_year=current_school_year(),
                              topics=["knife-crime"], year_groups=[6], urgency="this-term",
                              own_tier=3, contact_name="Ali", contact_email="a@riverside.sch.uk")
    county["partner"] = make_user(Role.PARTNER, email="lead@fire.example", agency=county["fire"])
    return county


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request):
    return request.param


def new_page(browser, width, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB",
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def follow_menu_link(page, name):
    """Narrow screens fold the service navigation behind a Menu button."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("link", name=name, exact=True).click()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_school_contact_says_what_would_help(browser, live_server, schools_county, width):
    context, page = new_page(browser, width)
    link = school_page_url(schools_county["school"], "s.patel@oakfield.sch.uk")
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name="Oakfield Primary School")).to_be_visible()
    assert_accessible(page, f"school-page-{width}")
    no_sideways_scroll(page)

    page.get_by_role("link", name="Say what would help").click()
    page.get_by_label("In your own words (optional)").fill("Vaping <script>alert(1)</script>")
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Save what would help").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text([
        "Select how urgent it is",
        "Select the tier that best describes your school, or ‘Not sure’",
        "Enter your name",
    ])
    expect(page.get_by_label("In your own words (optional)")).to_have_value(
        "Vaping <script>alert(1)</script>")
    assert_accessible(page, f"school-needs-errors-{width}")
    no_sideways_scroll(page)

    page.get_by_label("Knife crime and gangs").check()
    page.get_by_label("Year 6").check()
    page.get_by_label("Pupils at risk of exclusion").check()
    page.get_by_label("This term: it is pressing").check()
    page.get_by_label("Tier 2: enhanced").check()
    page.get_by_label("Your name").fill("Sam Patel")
    page.get_by_role("button", name="Save what would help").click()
    expect(page.get_by_text("Saved what would help your school")).to_be_visible()
    expect(page.get_by_text("Vaping <script>alert(1)</script>")).to_be_visible()
    assert_accessible(page, f"school-page-after-needs-{width}")
    context.close()


def test_a_safeguarding_lead_shares_a_concern_with_javascript_off(browser, live_server,
                                                                   schools_county, width):
    context, page = new_page(browser, width, javascript=False)
    link = school_page_url(schools_county["school"], "s.patel@oakfield.sch.uk")
    page.goto(live_server.url + link + "concern/")
    expect(page.get_by_text("If a child is in immediate danger, call 999 now")).to_be_visible()
    page.get_by_label("What was seen or heard?").fill("Boys seen with <b>a knife</b>\nby the park")
    page.get_by_role("button", name="Send the concern").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text([
        "Enter your name", "Enter your role at the school",
        "Confirm that you are the designated safeguarding lead or a deputy: ask them to share "
        "the concern if you are not",
        "Select what the concern is about", "Select where it is happening",
        "Select how urgent it is"])
    expect(page.get_by_label("What was seen or heard?")).to_have_value(
        "Boys seen with <b>a knife</b>\nby the park")
    expect(page.get_by_label("Your work email address")).to_have_value("s.patel@oakfield.sch.uk")
    context.close()

    # Axe needs JavaScript: the same page with it on, errors and all.
    context, page = new_page(browser, width)
    page.goto(live_server.url + link + "concern/")
    page.get_by_role("button", name="Send the concern").click()
    assert_accessible(page, f"concern-errors-{width}")
    no_sideways_scroll(page)
    page.get_by_label("Your name").fill("Jo Reid")
    page.get_by_label("Your role").fill("Designated safeguarding lead")
    page.get_by_label("I am the school's designated safeguarding lead, or a deputy").check()
    page.get_by_label("Knife or weapon carrying").check()
    page.get_by_label("Where is it happening?").select_option("E07000070")
    page.get_by_label("What was seen or heard?").fill("Boys seen with <b>a knife</b>\nby the park")
    page.get_by_label("Today: someone should act within 24 hours").check()
    page.get_by_role("button", name="Send the concern").click()
    expect(page.get_by_role("heading", name="Concern passed on")).to_be_visible()
    concern = Concern.objects.get()
    expect(page.get_by_text(concern.reference)).to_be_visible()
    assert_accessible(page, f"concern-sent-{width}")
    context.close()


def test_the_recipient_reads_the_concern_and_others_cannot(browser, live_server, schools_county,
                                                             width):
    from safereach.schoolpage.concerns import pass_on

    concern, _ = pass_on(schools_county["school"], {
        "area": "E07000070", "topic": "exploitation", "urgency": "today",
        "what_was_seen": "Older man <img src=x onerror=alert(1)> collecting pupils\nafter school",
        "when_seen": "", "reporter_name": "Jo Reid", "reporter_role": "DSL",
        "reporter_email": "j.reid@oakfield.sch.uk"}, live_server.url)
    context, page = new_page(browser, width)
    sign_in(page, live_server, schools_county["police_recipient"])
    follow_menu_link(page, "Concerns")
    assert_accessible(page, f"concerns-inbox-{width}")
    page.get_by_role("link", name=concern.reference).click()
    expect(page.get_by_text("Older man <img src=x onerror=alert(1)> collecting pupils")).to_be_visible()
    expect(page.get_by_text("OFFICIAL-SENSITIVE").first).to_be_visible()
    assert_accessible(page, f"concern-detail-{width}")
    no_sideways_scroll(page)
    context.close()

    for who in ("council_recipient", "partner"):
        context, page = new_page(browser, width)
        sign_in(page, live_server, schools_county[who])
        response = page.goto(f"{live_server.url}/schools/concerns/{concern.reference}/")
        assert response.status == 404
        expect(page.get_by_text("Older man")).to_have_count(0)
        assert_accessible(page, f"concern-refused-{who}-{width}")
        context.close()


def test_a_school_says_how_it_went_and_takes_the_knowledge_check(browser, live_server,
                                                                   schools_county, width):
    visit = schools_county["visit"]
    context, page = new_page(browser, width)
    page.goto(live_server.url + feedback_url(visit))
    page.get_by_label("Anything else? (optional)").fill("Great fun")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text([
        "Select how useful the session was", "Select whether it was right for the year group",
        "Select how the officer did"])
    expect(page.get_by_label("Anything else? (optional)")).to_have_value("Great fun")
    assert_accessible(page, f"feedback-errors-{width}")
    no_sideways_scroll(page)
    page.get_by_role("group", name="How useful was the session for your pupils?") \
        .get_by_label("5 – very useful").check()
    page.get_by_label("About right").check()
    page.get_by_role("group", name="How was the officer who delivered it?") \
        .get_by_label("4").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    assert Feedback.objects.get().usefulness == 5

    page.get_by_role("link", name="Go to the knowledge check").click()
    page.get_by_label("How many pupils took the check?").fill("28")
    page.get_by_label("Question 1: What number do you call in a fire?").fill("30")
    page.get_by_role("button", name="Save the results").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
        ["Enter no more than the 28 pupils who took the check for question 1"])
    expect(page.get_by_label("How many pupils took the check?")).to_have_value("28")
    assert_accessible(page, f"knowledge-check-errors-{width}")
    page.get_by_label("Question 1: What number do you call in a fire?").fill("26")
    page.get_by_role("button", name="Save the results").click()
    expect(page.get_by_text("Results saved")).to_be_visible()
    assert_accessible(page, f"knowledge-check-saved-{width}")
    assert KnowledgeCheckResult.objects.get(visit=visit).correct_counts == [26]
    context.close()


def test_a_partner_reads_unmet_demand_and_feedback(browser, live_server, schools_county, width):
    Feedback.objects.create(visit=schools_county["visit"], usefulness=2, fit="too-simple",
                            officer_rating=4, comments="Too young <em>for them</em>")
    context, page = new_page(browser, width)
    sign_in(page, live_server, schools_county["partner"])
    page.goto(f"{live_server.url}/schools/unmet-demand/")
    expect(page.get_by_role("cell", name="No session covers it")).to_be_visible()
    assert_accessible(page, f"unmet-demand-{width}")
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/schools/feedback/")
    assert_accessible(page, f"feedback-overview-{width}")
    page.get_by_role("link", name="Home fire safety for juniors").click()
    expect(page.get_by_text("Too young <em>for them</em>")).to_be_visible()
    page.get_by_label("Question").fill("Where do you meet?")
    page.get_by_role("button", name="Add the question").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text([
        "Enter answer 1: a question needs at least two",
        "Enter answer 2: a question needs at least two", "Select which answer is right"])
    expect(page.get_by_label("Question")).to_have_value("Where do you meet?")
    assert_accessible(page, f"session-feedback-errors-{width}")
    no_sideways_scroll(page)
    context.close()


def test_a_coordinator_confirms_a_tier(browser, live_server, schools_county, width):
    context, page = new_page(browser, width)
    sign_in(page, live_server, schools_county["coordinator"])
    follow_menu_link(page, "Tiers")
    assert_accessible(page, f"tiers-{width}")
    page.get_by_role("link", name="Riverside Junior School").click()
    page.get_by_role("button", name="Save the tier").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
        ["Say why you confirm or change the tier"])
    assert_accessible(page, f"tier-decision-errors-{width}")
    page.get_by_label("Why?").fill("Agreed with the school's DSL")
    page.get_by_role("button", name="Save the tier").click()
    expect(page.get_by_text("Riverside Junior School is now Tier 3: complex.")).to_be_visible()
    context.close()
