"""The reach and impact pages in a real browser, on a desktop and a phone: the charts draw, the
figures sit beside them, small counts of other agencies read "fewer than 5", the impact page
says what the design can and cannot show; every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.tests.factories import make_county
from safereach.delivery import impact
from safereach.delivery.impact_data import DESIGN, as_dict, thresholds
from safereach.delivery.models import ImpactRun
from safereach.delivery.reach import school_year_of
from safereach.delivery.tests.factories import last_week, make_reach_county
from safereach.delivery.tests.test_impact_estimator import synthetic
from safereach.matrix import indicators as ind
from safereach.matrix.build import seed_programmes
from safereach.matrix.models import Programme
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def reach_county(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_programmes()  # transactional tests flush the data migration's programmes
    county = make_county()
    monday = last_week()
    make_reach_county(county, monday)
    county["year"] = school_year_of(monday)
    return county


def both_sizes(page, name):
    assert_accessible(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_reach_shared_and_per_agency(page, live_server, reach_county):
    partner = make_user(Role.PARTNER, email="partner@police.example", agency=reach_county["police"])
    sign_in(page, live_server, partner)
    page.get_by_role("link", name="Reach").first.click()
    page.goto(f"{live_server.url}/delivery/reach/?school_year={reach_county['year']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Every agency")
    expect(page.get_by_role("img", name="Pupils reached by district")).to_be_visible()
    expect(page.get_by_role("img", name="Pupils reached by term")).to_be_visible()
    table = page.get_by_role("table", name="Pupils reached and visits delivered by district")
    expect(table.get_by_role("row", name="South District")).to_contain_text("fewer than 5")
    both_sizes(page, "reach-shared")

    page.get_by_role("link", name=reach_county["fire"].name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reach_county["fire"].name)
    assert_accessible(page, "reach-agency-1280")

    # A bad filter: the error summary links to the field.
    page.goto(f"{live_server.url}/delivery/reach/?school_year=1900")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Choose a school year from the list").click()
    expect(page.get_by_label("School year")).to_be_focused()
    assert_accessible(page, "reach-error")


def estimate_run(programme, effect):
    panel, _ = synthetic(effect, seed=1)
    result = impact.estimate(panel, bootstrap=199, seed=1)
    shared = {
        "programme": programme.slug,
        "programme_name": programme.name,
        "categories": ["Anti-social behaviour"],
        "radius_m": {"primary": 1500.0, "secondary": 3000.0},
        "thresholds": thresholds(),
        "design": DESIGN,
        "months": len(panel.months),
        "first_month": ind.month_label(int(panel.months[0])),
        "last_month": ind.month_label(int(panel.months[-1])),
        "schools": len(panel.first_treated),
        "visited_outside_the_list": 0,
        "cohorts": [
            {
                "term": f"Term starting {ind.month_label(c.month)}",
                "month": ind.month_label(c.month),
                "schools": c.schools,
                "unmatched": c.unmatched,
                "months_before": c.months_before,
                "months_after": c.months_after,
            }
            for c in result.cohorts
        ],
        "treated": result.treated,
        "comparison": result.comparison,
    }
    run = ImpactRun.objects.create(programme=programme)
    run.start()
    run.finish(result=as_dict(result, shared))
    return run


def test_impact_page_with_an_estimate_and_a_refusal(page, live_server, reach_county):
    analyst = make_user(Role.ANALYST, email="analyst@council.example", agency=reach_county["police"])
    estimate_run(Programme.objects.get(slug="asb"), -0.3)
    sign_in(page, live_server, analyst)
    page.get_by_role("link", name="Impact").first.click()
    page.get_by_role("link", name="Anti-social behaviour and community safety").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Incidents near visited schools fell")
    expect(page.get_by_role("img", name="Difference in incidents a month")).to_be_visible()
    expect(page.get_by_text("level 3 of the Maryland Scientific Methods Scale")).to_be_visible()
    both_sizes(page, "impact-estimate")

    # Asking for an estimate where there is too little data: the run finishes and refuses.
    page.goto(f"{live_server.url}/delivery/impact/hoax-calls/")
    page.get_by_role("button", name="Estimate with the data loaded now").click()
    expect(page.get_by_text("No estimate: there is too little data")).to_be_visible(timeout=120_000)
    both_sizes(page, "impact-refused")


def test_hold_back_form_at_both_sizes(page, live_server, reach_county):
    sign_in(page, live_server, reach_county["coordinator"])
    page.goto(f"{live_server.url}/book/plan/hold-backs/")
    page.get_by_label("Share of waiting schools to hold back, in per cent").fill("70")
    page.get_by_role("button", name="Draw the schools").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The share must be 50 per cent or less")
    both_sizes(page, "hold-backs-error")


def test_feedback_and_knowledge_checks_on_the_session_page_and_in_reach(page, live_server, reach_county):
    from safereach.schoolpage.tests.test_results_shown import visits_with_results

    visits_with_results(reach_county, 6, six_weeks=5, days_ago=10)
    page.goto(f"{live_server.url}/sessions/{reach_county['home_fire'].slug}/")
    expect(page.get_by_role("heading", name="What pupils knew")).to_be_visible()
    expect(page.get_by_text("80% of answers right (6 classes, 120 pupils)")).to_be_visible()
    both_sizes(page, "session-results")

    partner = make_user(Role.PARTNER, email="partner@police.example", agency=reach_county["police"])
    sign_in(page, live_server, partner)
    page.goto(f"{live_server.url}/delivery/reach/")
    table = page.get_by_role("table", name=re.compile("Feedback and knowledge checks in"))
    expect(table.get_by_role("row", name=re.compile("Home fire safety"))).to_contain_text("60%")
    both_sizes(page, "reach-results")
