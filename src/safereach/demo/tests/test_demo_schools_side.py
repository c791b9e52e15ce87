"""The demo's schools' side gives a newcomer something on every page: needs, unmet demand, tiers
to confirm, feedback (one session flagged), knowledge checks (some taken again six weeks on),
concerns for their recipients only;
and the printed link opens a school's page."""

import re
from collections import Counter

import pytest

from safereach.accounts.models import User
from safereach.schoolpage.models import Feedback, KnowledgeCheckResult
from safereach.schools.models import Concern, SchoolNeed

pytestmark = pytest.mark.django_db


def test_every_schools_side_page_has_something(run_demo, client):
    printed = run_demo()
    assert SchoolNeed.objects.count() > 20 and Feedback.objects.count() > 5
    assert KnowledgeCheckResult.objects.exists() and Concern.objects.count() == 3
    # Some classes took the check again six weeks on, and a session's public page says how they did.
    again = Counter(KnowledgeCheckResult.objects.filter(round=KnowledgeCheckResult.Round.SIX_WEEKS)
                    .values_list("visit__session__slug", flat=True))
    slug, repeats = again.most_common(1)[0]
    assert repeats >= 5
    session_page = " ".join(client.get(f"/sessions/{slug}/").content.decode().split())
    assert "Six weeks later" in session_page and "for the same classes straight after" in session_page

    link = re.search(r"http://127\.0\.0\.1:8000(/school/\S+/)", printed).group(1)
    page = client.get(link).content.decode()
    assert "What would help your school" in page and "Change what would help" in page

    client.force_login(User.objects.get(email="coordinator@demo.safereach.test"))
    assert "No session covers it" in client.get("/schools/unmet-demand/").content.decode()
    assert "Waiting for you (0)" not in client.get("/schools/tiers/").content.decode()
    assert "out of 5" in client.get("/schools/feedback/").content.decode()

    client.force_login(User.objects.get(email="partner@demo.safereach.test"))
    assert "Poor feedback" in client.get("/schools/feedback/").content.decode()
    assert "No concerns have been routed to you" in client.get("/schools/concerns/").content.decode()

    client.force_login(User.objects.get(email="safeguarding@demo.safereach.test"))
    inbox = client.get("/schools/concerns/").content.decode()
    mine = Concern.objects.filter(recipients__email="safeguarding@demo.safereach.test")
    assert mine.exists() and all(c.reference in inbox for c in mine)
    others = Concern.objects.exclude(recipients__email="safeguarding@demo.safereach.test")
    assert all(c.reference not in inbox for c in others)

    run_demo()  # a rebuild replaces it all
    assert Concern.objects.count() == 3
