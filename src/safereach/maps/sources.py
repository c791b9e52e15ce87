"""Where a layer's figures come from, as the footer of a page, an export or a map pack says it."""

from dataclasses import dataclass

from safereach.evidence.models import Classification, Dataset

KINDS = {
    "incidents": ("crime", "fire-incidents"),
    "hotspots": ("crime", "fire-incidents"),
    "street": ("crime", "fire-incidents"),
    "rates": ("crime", "fire-incidents", "deprivation"),
    "schools": ("schools",),
    "deprivation": ("deprivation",),
    "places": ("places",),
    "notices": ("notices",),
    "bases": ("stations",),
    "visits": (),
    "near-hot-spots": ("crime", "fire-incidents", "places"),
    "changes": ("crime", "fire-incidents"),
}
BOUNDARIES = "Boundaries: Office for National Statistics (Open Government Licence v3.0)"
LICENCE = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right."
)


@dataclass
class Sources:
    lines: list[str]  # one per publisher: "data.police.uk (Open Government Licence v3.0), 2024-01 to 2024-04"
    classification: str

    @property
    def text(self) -> str:
        return "; ".join(self.lines + [BOUNDARIES])


WITHHELD = (
    "Some data behind {what} is not shown: it was shared under an agreement that is not in force "
    "for your agency, or is OFFICIAL-SENSITIVE and not shared with your role. The figures here "
    "are made without it."
)


def withheld_note(layer_keys, viewer) -> str:
    """What a page, export or map pack says when data behind `layer_keys` is withheld from
    `viewer` (governance.access decides; maps.access.Viewer carries the answer)."""
    kinds = {k for key in layer_keys for k in KINDS.get(key, ())}
    reasons = "schools" in layer_keys and viewer.hidden_reasons  # the target list's reasons
    if not (kinds & viewer.hidden_kinds or reasons):
        return ""
    return WITHHELD.format(what="this layer" if len(layer_keys) == 1 else "these figures")


def sources(layer_keys, fictional: bool, sensitive: bool = False, hidden=frozenset()) -> Sources:
    """The publishers of the data behind `layer_keys`, but for the datasets `hidden` (ids)."""
    kinds = sorted({k for key in layer_keys for k in KINDS.get(key, ())})
    datasets = Dataset.objects.filter(kind__in=kinds, is_fictional=fictional).exclude(pk__in=hidden)
    spans: dict[tuple[str, str], list] = {}
    for publisher, name, licence, start, end in datasets.values_list(
        "publisher", "name", "licence", "period_start", "period_end"
    ):
        # A file that does not name its publisher is named by what it holds.
        span = spans.setdefault(
            (publisher or name.split(":")[0], licence or "licence not given"), [None, None]
        )
        if start:
            span[0] = min(span[0], start) if span[0] else start
        if end:
            span[1] = max(span[1], end) if span[1] else end
    lines = []
    for (publisher, licence), (start, end) in sorted(spans.items()):
        when = f", {start:%Y-%m} to {end:%Y-%m}" if start and end else ""
        lines.append(f"{publisher} ({licence}){when}")
    if any(k == "visits" for k in layer_keys):
        lines.append("Visits: SafeReach bookings and outcomes")
    # The figures shown are as sensitive as the rows in them, not as every dataset loaded.
    classification = Classification.OFFICIAL_SENSITIVE if sensitive else Classification.OFFICIAL
    return Sources(lines, str(classification))
