"""Sharing agreements for tests."""

import datetime

from safereach.governance.models import LegalBasis, SharingAgreement


def make_agreement(provider, parties, datasets=(), *, title="Crime data for school safety",
                   starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 12, 31),
                   review_on=datetime.date(2027, 6, 30), sensitive_roles=()):
    agreement = SharingAgreement.objects.create(
        title=title, provider=provider, purpose="Targeting safety sessions at schools",
        legal_basis=LegalBasis.PUBLIC_TASK, starts_on=starts_on, ends_on=ends_on,
        review_on=review_on, sensitive_roles=list(sensitive_roles))
    agreement.parties.set(parties)
    agreement.datasets.set(datasets)
    return agreement
