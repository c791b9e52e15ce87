"""After a delivered visit the school is asked how it went by a signed link; its class takes the
session's knowledge check after the visit and six weeks later (class totals only); partners see
the results on their pages, and a session with poor feedback is flagged to its partner."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.delivery.models import VisitOutcome
from safereach.schoolpage.feedback import summarise_checks
from safereach.schoolpage.links import feedback_url, knowledge_check_url
from safereach.schoolpage.models import Feedback, KnowledgeCheckResult, KnowledgeQuestion
from safereach.schoolpage.tests.factories import make_visit

pytestmark = pytest.mark.django_db

GOOD = {"usefulness": "5", "fit": "about-right", "officer_rating": "4", "comments": "Great <i>fun</i>"}
POOR = {"usefulness": "1", "fit": "too-simple", "officer_rating": "3", "comments": "Too young for them"}


@pytest.fixture
def questions(county):
    session = county["home_fire"]
    return [KnowledgeQuestion.objects.create(session=session, position=i, text=text, answers=answers,
                                             correct=correct)
            for i, (text, answers, correct) in enumerate([
                ("What number do you call in a fire?", ["999", "111", "101"], 0),
                ("Where do you meet outside?", ["By the car", "At the meeting point"], 1)], 1)]


def test_recording_a_delivered_visit_emails_the_school_its_feedback_link(
        client, county, settings, django_capture_on_commit_callbacks):
    settings.SAFEREACH_SITE_URL = "https://safereach.example"
    with django_capture_on_commit_callbacks(execute=True):
        visit = make_visit(county)
    (message,) = mail.outbox
    assert message.to == ["s.patel@oakfield.sch.uk"]
    link = re.search(r"https://safereach.example(/school/visit/\S+/feedback/)", message.body).group(1)
    assert "How did Home fire safety for juniors go?" in client.get(link).content.decode()
    assert visit.feedback_request.sent_to == "s.patel@oakfield.sch.uk"
    with django_capture_on_commit_callbacks(execute=True):  # saved again: not asked twice
        visit.outcome.save()
    call_command("ask_schools_for_feedback", site_url="https://safereach.example")
    assert len(mail.outbox) == 1


def test_a_visit_not_delivered_asks_nothing(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = make_visit(county, delivered=False)
        VisitOutcome.objects.create(visit=visit, delivered=False, reason="school_closed")
    assert mail.outbox == []


def test_the_school_gives_feedback_without_signing_in(client, county):
    visit = make_visit(county)
    url = feedback_url(visit)
    assert "How did Home fire safety for juniors go?" in client.get(url).content.decode()
    response = client.post(url, GOOD)
    assert response.status_code == 200 and "Thank you for your feedback" in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.usefulness, feedback.fit, feedback.officer_rating, feedback.comments) == (
        5, "about-right", 4, "Great <i>fun</i>")
    assert feedback.given_by == "s.patel@oakfield.sch.uk"


@pytest.mark.parametrize("change, message", [
    ({"usefulness": ""}, "Select how useful the session was"),
    ({"usefulness": "9"}, "from the list"),
    ({"fit": ""}, "Select whether it was right for the year group"),
    ({"officer_rating": "x"}, "from the list"),
    ({"comments": "z" * 3001}, "Keep this to 3,000 characters or fewer"),
])
def test_bad_feedback_is_named_and_kept(client, county, change, message, table_counts):
    url = feedback_url(make_visit(county))
    before = table_counts()
    html = client.post(url, {**GOOD, **change}).content.decode()
    assert message in html and "govuk-error-summary" in html
    if "comments" not in change:
        assert "Great &lt;i&gt;fun&lt;/i&gt;" in html
    assert table_counts() == before


def test_a_feedback_link_for_a_visit_not_delivered_or_forged_opens_nothing(client, county):
    visit = make_visit(county, delivered=False)
    assert client.get(feedback_url(visit)).status_code == 404
    assert client.get("/school/visit/nonsense/feedback/").status_code == 404


def test_poor_feedback_flags_the_session_to_its_partner(client, county, django_capture_on_commit_callbacks):
    partner = make_user(Role.PARTNER, email="lead@fire.example", agency=county["fire"])
    first, second = make_visit(county, days_ago=3), make_visit(county, days_ago=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(feedback_url(first), POOR)
    assert mail.outbox == []  # one response is not a pattern
    with django_capture_on_commit_callbacks(execute=True):
        client.post(feedback_url(second), {**POOR, "usefulness": "2"})
    (flag,) = mail.outbox
    assert set(flag.to) == {"lead@fire.example", "coordinator@fire.example"}
    assert "Home fire safety for juniors" in flag.subject
    client.force_login(partner)
    overview = client.get("/schools/feedback/").content.decode()
    assert "Poor feedback" in overview
    page = client.get("/schools/feedback/home-fire-safety-juniors/").content.decode()
    assert "1.5 out of 5" in page and "Too young for them" in page


def test_another_agency_cannot_see_a_session_feedback(client, county, sign_in_as):
    sign_in_as(Role.PARTNER, agency=county["police"])
    assert client.get("/schools/feedback/home-fire-safety-juniors/").status_code == 404
    assert "Home fire safety" not in client.get("/schools/feedback/").content.decode()


def test_the_knowledge_check_is_taken_after_the_visit_and_six_weeks_later(client, county, questions):
    visit = make_visit(county, days_ago=2)
    url = knowledge_check_url(visit)
    page = client.get(url).content.decode()
    assert "What number do you call in a fire?" in page and "After the visit" in page
    assert client.post(url, {"pupils": "28", "q1": "27", "q2": "21"}).status_code == 302
    waiting = client.get(url).content.decode()
    assert "Come back from" in waiting and "name=\"pupils\"" not in waiting
    # Six weeks on, the same questions again.
    visit.starts_at -= timedelta(days=42)
    visit.ends_at -= timedelta(days=42)
    visit.save()
    assert "Six weeks later" in client.get(url).content.decode()
    client.post(url, {"pupils": "26", "q1": "25", "q2": "13"})
    after, later = KnowledgeCheckResult.objects.order_by("round")
    assert (after.round, after.pupils, after.correct_counts) == ("after", 28, [27, 21])
    assert later.round == "six-weeks" and round(later.score, 3) == round(38 / 52, 3)
    summary = summarise_checks([after, later])
    assert (summary.classes, summary.pupils) == (1, 28)
    assert round(summary.after, 3) == round(48 / 56, 3)


@pytest.mark.parametrize("data, message", [
    ({"pupils": "", "q1": "1", "q2": "1"}, "Enter how many pupils took the check"),
    ({"pupils": "0", "q1": "0", "q2": "0"}, "Enter at least 1 pupil"),
    ({"pupils": "twenty", "q1": "1", "q2": "1"}, "Enter the number of pupils as a whole number"),
    ({"pupils": "28", "q1": "29", "q2": "1"}, "Enter no more than the 28 pupils who took the check"),
    ({"pupils": "28", "q1": "-1", "q2": "1"}, "Enter 0 or more for question 1"),
    ({"pupils": "28", "q1": "3"}, "Enter how many answered question 2 right, or 0"),
    ({"pupils": "600", "q1": "3", "q2": "3"}, "Enter 500 pupils or fewer"),
])
def test_bad_check_results_are_named_and_kept(client, county, questions, data, message, table_counts):
    url = knowledge_check_url(make_visit(county))
    before = table_counts()
    html = client.post(url, data).content.decode()
    assert message in html and "govuk-error-summary" in html
    assert f'value="{data["pupils"]}"' in html
    assert table_counts() == before


def test_a_partner_sets_the_questions_with_clear_errors(client, county, sign_in_as, table_counts):
    sign_in_as(Role.PARTNER, agency=county["fire"])
    url = "/schools/feedback/home-fire-safety-juniors/"
    before = table_counts()
    html = client.post(url, {"text": "Smoke alarms: test them how often?", "answer_1": "Every week",
                             "answer_2": "", "correct": "3"}).content.decode()
    assert "Enter answer 2: a question needs at least two" in html
    assert "Answer 3 is empty: choose an answer you wrote" in html
    assert 'value="Smoke alarms: test them how often?"' in html
    assert table_counts() == before
    client.post(url, {"text": "Smoke alarms: test them how often?", "answer_1": "Every year",
                      "answer_2": "Every month", "answer_3": "", "answer_4": "Every week",
                      "correct": "4"})
    question = KnowledgeQuestion.objects.get()
    assert question.answers == ["Every year", "Every month", "Every week"]
    assert question.correct_answer == "Every week"
