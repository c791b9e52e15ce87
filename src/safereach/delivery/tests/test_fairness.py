"""The fairness view: target lists and delivered visits spread over groups of schools."""

import pytest
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.delivery.fairness import spread
from safereach.matrix.models import Score, TargetList
from safereach.matrix.tests.factories import programme
from safereach.schools.tests.factories import make_school


def test_spread_counts_shares_and_flags_groups_never_reached():
    groups = {1: "1", 2: "1", 3: "2", 4: "10", 5: "Not known"}
    rows = spread(groups, targets={1, 3}, reached={1})
    assert [(g.name, g.schools, g.targets, g.reached) for g in rows] == [
        ("1", 2, 1, 1), ("2", 1, 1, 0), ("10", 1, 0, 0), ("Not known", 1, 0, 0)]
    assert rows[0].schools_share == 0.4 and rows[0].reached_share == 1.0
    assert [g.name for g in rows if g.never_reached] == ["2", "10", "Not known"]


@pytest.mark.django_db
def test_the_page_shows_each_programme_with_a_list(client, sign_in_as):
    chosen = programme("arson")
    school = make_school(type_group="Academies")
    target_list = TargetList.objects.create(programme=chosen, profile_version=chosen.current_version())
    Score.objects.create(target_list=target_list, programme=chosen, school=school, phase_group="primary",
                         score=90, rank=1, decile=1, contributions=[])
    sign_in_as(Role.ANALYST)
    page = client.get(reverse("delivery:fairness")).content.decode()
    assert chosen.name in page and "Academies" in page and "Never reached" in page
    sign_in_as(Role.COORDINATOR)
    assert client.get(reverse("delivery:fairness")).status_code == 403
