"""Schools' feedback and knowledge-check scores, summed up where others see them: on the session's
public page of the catalogue and in the reach figures, never over fewer than 5 visits or classes
of another agency."""

import pytest

from safereach.accounts.models import Role
from safereach.delivery.reach_data import report
from safereach.schoolpage.models import Feedback, KnowledgeCheckResult
from safereach.schoolpage.tests.factories import make_visit
from safereach.schools.models import school_year_of

pytestmark = pytest.mark.django_db
QUESTIONS = [{"text": "Q", "answers": ["a", "b"], "correct": 0}] * 4


def visits_with_results(county, n, *, usefulness=4, six_weeks=0, days_ago=60):
    """`n` delivered visits of home fire safety, each with feedback and a class's check straight
    after (20 pupils, 16 of 20 right on each question); the first `six_weeks` took it again
    (12 of 20 right)."""
    visits = []
    for k in range(n):
        visit = make_visit(county, days_ago=days_ago + k, contact_email=f"head{k}@oakfield.sch.uk")
        Feedback.objects.create(visit=visit, usefulness=usefulness, fit=Feedback.Fit.ABOUT_RIGHT,
                                officer_rating=5)
        KnowledgeCheckResult.objects.create(visit=visit, round=KnowledgeCheckResult.Round.AFTER,
                                            pupils=20, questions=QUESTIONS, correct_counts=[16] * 4)
        if k < six_weeks:
            KnowledgeCheckResult.objects.create(
                visit=visit, round=KnowledgeCheckResult.Round.SIX_WEEKS, pupils=20,
                questions=QUESTIONS, correct_counts=[12] * 4)
        visits.append(visit)
    return visits


def session_page(client, county):
    response = client.get(f"/sessions/{county['home_fire'].slug}/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_public_session_page_sums_up_feedback_and_checks(client, county):
    visits_with_results(county, 6, six_weeks=5)
    page = session_page(client, county)
    assert "What schools said" in page and "6 visits" in page
    assert "4.0 out of 5, on average" in page and "100% said it was about right" in page
    assert "80% of answers right (6 classes, 120 pupils)" in page
    assert "60% right (5 classes), against 80% for the same classes straight after" in page


def test_a_session_page_gives_no_average_over_fewer_than_5(client, county):
    visits_with_results(county, 3, usefulness=1, six_weeks=1)
    page = session_page(client, county)
    assert "feedback on fewer than 5 visits of this session so far" in page
    assert "Fewer than 5 classes have taken this session's knowledge check so far" in page
    assert "1.0 out of 5" not in page and "% of answers right" not in page


def test_a_session_page_with_six_weeks_too_few_shows_only_straight_after(client, county):
    visits_with_results(county, 5, six_weeks=2)
    page = session_page(client, county)
    assert "80% of answers right (5 classes, 100 pupils)" in page
    assert "Taken again by fewer than 5 classes so far: too few to show" in page


def test_a_session_nobody_answered_says_so(client, county):
    page = session_page(client, county)
    assert "No school has given feedback on this session yet" in page
    assert "No class has taken a knowledge check for this session yet" in page


def test_reach_adds_up_feedback_and_checks_by_programme(county):
    visits = visits_with_results(county, 6, six_weeks=5, days_ago=10)
    year = school_year_of(visits[0].starts_at.date())
    own = report(school_year=year, agency=county["fire"])
    (row,) = own.figures.results
    assert (row.key, row.feedback, row.usefulness, row.about_right) == ("home-fire-safety", 6, 4.0, 1.0)
    assert (row.classes, row.right_after) == (6, 0.8)
    assert (row.classes_six_weeks, row.right_six_weeks, row.right_after_same_classes) == (5, 0.6, 0.8)
    # The police's page counts only the police's visits: none here.
    assert report(school_year=year, agency=county["police"]).figures.results == []


def test_another_agency_sees_no_average_over_fewer_than_5(county):
    visits = visits_with_results(county, 3, six_weeks=3, days_ago=10)
    year = school_year_of(visits[0].starts_at.date())
    (row,) = report(school_year=year, own=lambda v: False).figures.results
    assert row.feedback_text == row.classes_text == "fewer than 5"
    assert row.usefulness is row.about_right is row.right_after is row.right_six_weeks is None
    (mine,) = report(school_year=year, own=lambda v: v.agency_id == county["fire"].pk).figures.results
    assert (mine.feedback_text, mine.usefulness, mine.right_six_weeks) == ("3", 4.0, 0.6)


def test_the_reach_page_and_spreadsheet_show_them(client, county, sign_in_as):
    visits_with_results(county, 6, six_weeks=5, days_ago=10)
    sign_in_as(Role.ANALYST, agency=county["police"])
    page = " ".join(client.get("/delivery/reach/").content.decode().split())
    assert "What schools said and what pupils knew" in page
    row = page[page.index("Feedback and knowledge checks in"):]
    assert all(f'numeric">{cell}</td>' in row for cell in ("6", "4.0", "100%", "80%", "5", "60%"))
    response = client.get("/delivery/reach/export.xlsx")
    assert response.status_code == 200

    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content))["Feedback and knowledge checks"]
    assert [c.value for c in sheet[2]] == [
        "Home fire safety", "home-fire-safety", 6, "4.0", "100%", 6, "80%", 5, "60%", "80%"]


def test_the_reach_command_gives_them_too(county):
    import io
    import json

    from django.core.management import call_command

    visits = visits_with_results(county, 3, six_weeks=3, days_ago=10)
    year = str(school_year_of(visits[0].starts_at.date()))
    out = io.StringIO()
    call_command("reach", "--by", "programme", "--school-year", year, "--json", stdout=out)
    (row,) = json.loads(out.getvalue())["feedback_and_knowledge_checks"]
    assert row == {"programme": "home-fire-safety", "feedback": 3, "usefulness": 4.0, "about_right": 1.0,
                   "classes": 3, "right_after": 0.8, "classes_six_weeks": 3, "right_six_weeks": 0.6,
                   "right_after_same_classes": 0.8}
    out = io.StringIO()
    call_command("reach", "--by", "programme", "--school-year", year, "--suppress", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())["feedback_and_knowledge_checks"]
    shown = (row["feedback"], row["usefulness"], row["right_six_weeks"])
    assert shown == ("fewer than 5", "not shown", "not shown")
