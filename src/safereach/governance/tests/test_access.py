"""The one rule for whether an agency's user may see a dataset (governance.access)."""

import datetime

import pytest

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.evidence.tests.factories import make_dataset
from safereach.governance.access import may_see, withheld
from safereach.governance.forms import AgreementForm
from safereach.governance.tests.factories import make_agreement

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)


@pytest.fixture
def police():
    return make_agency("Northshire Police", kind="police")


@pytest.fixture
def fire():
    return make_agency("Northshire Fire and Rescue Service")


@pytest.fixture
def council():
    return make_agency("Northshire County Council", kind="council")


def loaded_by(agency, **extra):
    return make_dataset(loaded_by=make_user(Role.ANALYST, agency=agency), **extra)


def test_open_data_no_agreement_covers_is_seen_by_all_staff_with_an_agency(fire):
    data = make_dataset()
    assert may_see(make_user(Role.PARTNER, agency=fire), data, TODAY)
    assert not may_see(make_user(Role.COORDINATOR, agency=None), make_dataset(
        classification="OFFICIAL-SENSITIVE"), TODAY)


def test_an_agreement_in_force_shares_with_its_parties_only(police, fire, council):
    data = loaded_by(police)
    make_agreement(police, [fire], [data])
    assert may_see(make_user(Role.ANALYST, agency=police), data, TODAY)
    assert may_see(make_user(Role.ANALYST, agency=fire), data, TODAY)
    assert not may_see(make_user(Role.ANALYST, agency=council), data, TODAY)


def test_an_ended_agreement_withholds_its_data_from_other_agencies_until_renewed(police, fire):
    data = loaded_by(police)
    agreement = make_agreement(police, [fire], [data], ends_on=datetime.date(2026, 10, 31))
    firefighter = make_user(Role.ANALYST, agency=fire)
    assert not may_see(firefighter, data, TODAY)
    assert may_see(make_user(Role.ANALYST, agency=police), data, TODAY)  # its own data
    assert withheld(firefighter, today=TODAY) == [data]
    agreement.ends_on = datetime.date(2027, 10, 31)
    agreement.save()
    assert may_see(firefighter, data, TODAY)


def test_official_sensitive_data_is_seen_only_by_the_roles_the_agreement_names(police, fire):
    notices = loaded_by(police, kind="notices", classification="OFFICIAL-SENSITIVE")
    make_agreement(police, [fire], [notices], sensitive_roles=[Role.COORDINATOR])
    assert may_see(make_user(Role.COORDINATOR, agency=fire), notices, TODAY)
    assert not may_see(make_user(Role.PARTNER, agency=fire), notices, TODAY)


def test_an_agreement_cannot_open_sensitive_data_to_a_role_a_password_alone_lets_in(police, fire):
    # A partner signs in without a second step (accounts.roles), so naming partners in an
    # agreement (an old record; the form no longer offers it) shows them nothing sensitive.
    notices = loaded_by(police, kind="notices", classification="OFFICIAL-SENSITIVE")
    make_agreement(police, [fire], [notices], sensitive_roles=[Role.PARTNER, Role.OFFICER])
    assert not may_see(make_user(Role.PARTNER, agency=fire), notices, TODAY)
    assert not may_see(make_user(Role.OFFICER, agency=fire), notices, TODAY)
    offered = {value for value, _ in AgreementForm().fields["sensitive_roles"].choices}
    assert offered == {Role.ANALYST, Role.COORDINATOR}


def test_official_sensitive_data_under_no_agreement_stays_with_its_provider(police, fire):
    notices = loaded_by(police, kind="notices", classification="OFFICIAL-SENSITIVE")
    assert may_see(make_user(Role.ANALYST, agency=police), notices, TODAY)
    assert not may_see(make_user(Role.ANALYST, agency=fire), notices, TODAY)


def test_a_dataset_loaded_naming_an_agreement_is_covered_by_it(police, fire):
    agreement = make_agreement(police, [fire], title="MACE data sharing 2026")
    data = make_dataset(sharing_agreement="mace data sharing 2026")
    assert list(agreement.datasets.all()) == [data]
    assert list(make_dataset(sharing_agreement="Some other paper").agreements.all()) == []
