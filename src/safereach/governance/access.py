"""The one rule for whether an agency's user may see a dataset, and the reason people give
before they open OFFICIAL-SENSITIVE data. Every page, map and export that shows evidence to
another agency asks here (matrix pages and exports, school pages; maps call `may_see` or
`withheld` the same way), so that an agreement ending withholds the data everywhere at once.

The rule, in order:
- the agency that provides a dataset (the provider of an agreement covering it, or the agency
  of whoever loaded it) always sees it;
- a dataset no agreement covers is open data: every member of staff sees it, unless it is
  OFFICIAL-SENSITIVE, when only its provider does;
- a dataset agreements cover is seen by the parties of an agreement in force today; when
  every such agreement has ended (or not yet started) it is withheld until one is renewed;
- an OFFICIAL-SENSITIVE dataset is seen only by a party's staff holding a role that
  agreement names.
A member of staff with no agency sees only open OFFICIAL data.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from safereach.accounts.audit import record
from safereach.accounts.roles import OFFICIAL_SENSITIVE_ROLES
from safereach.evidence.models import Classification, Dataset
from safereach.governance.models import SharingAgreement

SENSITIVE = Classification.OFFICIAL_SENSITIVE.value
TWO_STEP_ROLES = {role.value for role in OFFICIAL_SENSITIVE_ROLES}
REASON_KEY = "sensitive_reason"
REASON_LASTS = timedelta(minutes=30)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _agreements_of(datasets) -> dict[int, list[SharingAgreement]]:
    covering: dict[int, list[SharingAgreement]] = {d.pk: [] for d in datasets}
    agreements = (SharingAgreement.objects.filter(datasets__in=list(covering))
                  .prefetch_related("parties").distinct())
    through = SharingAgreement.datasets.through.objects.filter(
        dataset_id__in=list(covering)).values_list("dataset_id", "sharingagreement_id")
    by_pk = {a.pk: a for a in agreements}
    for dataset_id, agreement_id in through:
        covering[dataset_id].append(by_pk[agreement_id])
    return covering


def _decide(user, dataset: Dataset, covering: list[SharingAgreement], today: date) -> bool:
    agency_id = getattr(user, "agency_id", None)
    owner_id = dataset.loaded_by.agency_id if dataset.loaded_by_id and dataset.loaded_by else None
    sensitive = dataset.classification == SENSITIVE
    if agency_id is None:
        return not covering and not sensitive
    if agency_id == owner_id or any(a.provider_id == agency_id for a in covering):
        return True
    if not covering:
        return not sensitive
    held = set(user.roles or [])
    for agreement in covering:
        if not agreement.in_force(today):
            continue
        if agency_id not in {p.pk for p in agreement.parties.all()}:
            continue
        # Sensitive data: a role the agreement names, and one that signs in in two steps.
        if not sensitive or held & set(agreement.sensitive_roles) & TWO_STEP_ROLES:
            return True
    return False


def may_see(user, dataset: Dataset, today: date | None = None) -> bool:
    """May `user` (a signed-in member of staff) see what `dataset` holds, on `today`?"""
    return _decide(user, dataset, _agreements_of([dataset])[dataset.pk], _today(today))


def withheld(user, datasets=None, today: date | None = None) -> list[Dataset]:
    """Of `datasets` (every dataset if None), those `user` may not see on `today`."""
    datasets = list((datasets if datasets is not None else Dataset.objects.all())
                    .select_related("loaded_by"))
    covering = _agreements_of(datasets)
    day = _today(today)
    return [d for d in datasets if not _decide(user, d, covering[d.pk], day)]


def visible_sensitive(user, datasets, today: date | None = None) -> list[Dataset]:
    """Of `datasets`, the OFFICIAL-SENSITIVE ones `user` may see: what needs a reason and an
    audit entry when shown."""
    datasets = list(datasets.filter(classification=SENSITIVE).select_related("loaded_by"))
    covering = _agreements_of(datasets)
    day = _today(today)
    return [d for d in datasets if _decide(user, d, covering[d.pk], day)]


# --- Reasons for opening OFFICIAL-SENSITIVE data ----------------------------------------------

def reason_given(request, now=None) -> str:
    """The reason this person gave in this session for opening sensitive data, if still fresh."""
    held = request.session.get(REASON_KEY)
    if not held:
        return ""
    now = now or timezone.now()
    given = timezone.datetime.fromisoformat(held["at"])
    return held["text"] if now - given <= REASON_LASTS else ""


def give_reason(request, text: str, now=None) -> None:
    request.session[REASON_KEY] = {"text": text, "at": (now or timezone.now()).isoformat()}


def audit_sensitive(request, datasets: list[Dataset], *, export: bool = False, what: str = "") -> None:
    """One audit entry for a view or export that showed `datasets`: who, what, when, and why."""
    if not datasets:
        return
    record("sensitive.export" if export else "sensitive.view", user=request.user,
           target=what or request.path, reason=reason_given(request),
           datasets=[f"{d.pk}: {d.name}" for d in datasets], path=request.get_full_path()[:300])
