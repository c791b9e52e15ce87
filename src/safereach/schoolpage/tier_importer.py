"""Councils' tiers of need for their schools: `safereach load tiers FILE.csv`.

A CSV with the school's URN and its tier (1, 2 or 3, or "Tier 2", or the words universal,
enhanced, complex), and optionally the reason or notes behind it. Every row is checked before
anything is written; each tier becomes the council's decision for that school, which is then the
tier in force (schools/tiers.py) until a coordinator decides otherwise.
"""

import re

from safereach.evidence.importers.base import (
    DatasetInfo,
    Importer,
    Parsed,
    Problems,
    find_columns,
    require_whole_rows,
)
from safereach.evidence.importers.bulk import check_objects
from safereach.evidence.importers.locations import check_length, duplicate_check, tidy
from safereach.schools.models import School, TierDecision

ALIASES = {
    "urn": ("URN", "School URN", "DfE URN"),
    "tier": ("Tier", "Tier of need", "Need tier", "Need"),
    "reason": ("Reason", "Notes", "Rationale", "Comment"),
}
WORDS = {"universal": 1, "enhanced": 2, "complex": 3, "targeted": 2, "specialist": 3}
TIER_TEXT = re.compile(r"^(?:tier\s*)?([123])(?:\s*[:\-–].*)?$", re.IGNORECASE)
REASON_LIMIT = 2000


def tier_of(text: str) -> int | None:
    """'2', 'Tier 2', 'tier 2: enhanced' and 'Enhanced' are all 2; None if it is none of them."""
    text = tidy(text)
    match = TIER_TEXT.match(text)
    if match:
        return int(match.group(1))
    return WORDS.get(text.lower())


class TiersImporter(Importer):
    kind = "tiers"
    help = ("a council's tiers of need for its schools: a CSV with URN and Tier (1 universal, "
            "2 enhanced, 3 complex), optionally Reason")
    defaults = DatasetInfo(licence="", classification="OFFICIAL-SENSITIVE")

    def parse(self, source, options, progress) -> Parsed:
        header, rows, lines = source.csv_table()
        columns = find_columns(source, header, ALIASES, required={"urn", "tier"})
        require_whole_rows(source, header, rows, lines)
        problems = Problems(source.label)
        urn_column, tier_column = header[columns["urn"]], header[columns["tier"]]
        reason_index = columns.index.get("reason")
        known = dict(School.objects.values_list("urn", "pk"))
        seen: dict = {}
        decisions = []
        for line, row in zip(lines, rows):
            urn_text, tier_text = tidy(row[columns["urn"]]), tidy(row[columns["tier"]])
            reason = row[reason_index].strip() if reason_index is not None else ""
            school_id = None
            if not urn_text:
                problems.add(line, urn_column, "is empty")
            elif not urn_text.isdigit():
                problems.add(line, urn_column, f"{urn_text!r} is not a URN (a whole number)")
            elif int(urn_text) not in known:
                problems.add(line, urn_column, f"no school with URN {urn_text} is loaded "
                                               "(load the schools first)")
            else:
                school_id = known[int(urn_text)]
                duplicate_check(problems, line, urn_column, school_id, f"URN {urn_text}", seen)
            tier = tier_of(tier_text)
            if not tier_text:
                problems.add(line, tier_column, "is empty")
            elif tier is None:
                problems.add(line, tier_column, f"{tier_text!r} is not a tier: give 1, 2 or 3 "
                                                "(universal, enhanced or complex)")
            if reason_index is not None:
                check_length(problems, line, header[reason_index], reason, REASON_LIMIT)
            decisions.append((school_id, tier, reason))
        problems.raise_if_any()
        progress(len(decisions))
        return Parsed(source=source, row_count=len(decisions),
                      name=f"Tiers of need for {len(decisions)} schools", payload=decisions)

    def write(self, parsed, dataset, progress) -> None:
        default_reason = f"The council's assessment in {parsed.source.name}"
        TierDecision.objects.bulk_create(check_objects([
            TierDecision(school_id=school_id, tier=tier, reason=reason or default_reason,
                         source=TierDecision.Source.COUNCIL, dataset=dataset)
            for school_id, tier, reason in parsed.payload
        ]), batch_size=1000)
        # These are the latest decisions, so they are the tiers in force.
        for tier in (1, 2, 3):
            School.objects.filter(pk__in=[s for s, t, _ in parsed.payload if t == tier]) \
                .update(need_tier=tier)
