"""Load files of one kind: validate them all, then write them all in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from safereach.areas.locate import reuse_locators
from safereach.evidence.importers.base import (
    DatasetInfo,
    LoadFailed,
    Parsed,
    Problem,
    SourceFile,
    too_deep,
)
from safereach.evidence.importers.bulk import TextTooLong
from safereach.evidence.importers.registry import IMPORTERS
from safereach.evidence.models import Dataset
from safereach.evidence.signals import data_loaded


@dataclass
class Outcome:
    path: str
    dataset: Dataset | None
    rows: int
    unchanged: bool = False


def parse_whole(importer, source: SourceFile, options: dict, tick) -> Parsed:
    """The importer's parse, with what no importer should have to think about: JSON nested
    so deep the parser would recurse out of its stack."""
    try:
        return importer.parse(source, options, tick)
    except RecursionError:
        deep = too_deep(source.label, source.text) or Problem(
            source.label, 1, "(file)", "nested too deeply to read")
        raise LoadFailed([deep]) from None


def too_long_problem(source: SourceFile, long: TextTooLong) -> Problem:
    """Where a value too long for its column is in the file: the line it starts on."""
    text, at = source.text, -1
    # The value as stored may have been tidied (spaces collapsed, quotes undoubled): look for
    # ever shorter beginnings of it, as written in a CSV file or as it is.
    for length in (1000, 200, 40):
        for form in (long.value[:length], long.value[:length].replace('"', '""')):
            at = text.find(form) if form else -1
            if at >= 0:
                break
        if at >= 0:
            break
    line = text.count("\n", 0, at) + 1 if at >= 0 else 1
    return Problem(source.label, line, long.column,
                   f"is {len(long.value):,} characters long; the most it holds is {long.limit:,}")


def load(kind: str, paths: list[str | Path], info: DatasetInfo | None = None, *,
         options: dict | None = None, user=None, loaded_by_name: str = "",
         encoding: str = "utf-8", progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Load `paths` as `kind`. Raises LoadFailed, with every problem found, and writes nothing
    if any file has a problem. A file already loaded (same kind and checksum) is left as it is."""
    importer = IMPORTERS[kind]()
    info = info or DatasetInfo()
    options = options or {}
    tick = progress or (lambda rows: None)
    problems = []
    outcomes: list[Outcome] = []
    ready: list[Parsed] = []
    for path in paths:
        try:
            source = SourceFile.read(path, encoding=encoding)
            earlier = Dataset.objects.filter(kind=kind, checksum=source.checksum).first()
            if earlier is not None:
                outcomes.append(Outcome(str(path), earlier, earlier.row_count, unchanged=True))
                continue
            ready.append(parse_whole(importer, source, options, tick))
        except LoadFailed as failed:
            problems.extend(failed.problems)
    if problems:
        raise LoadFailed(problems)
    with transaction.atomic(), reuse_locators():
        for parsed in ready:
            defaults = parsed.defaults or importer.defaults
            dataset = Dataset.objects.create(
                kind=kind,
                # Names the importer makes from the file's contents (a force's name) are cut
                # to the column, never refused: the rows themselves are checked in full.
                name=(info.name or parsed.name)[:Dataset._meta.get_field("name").max_length],
                source_file=parsed.source.name[:Dataset._meta.get_field("source_file").max_length],
                publisher=info.publisher or defaults.publisher,
                licence=info.licence or defaults.licence,
                classification=info.classification or defaults.classification,
                sharing_agreement=info.sharing_agreement or defaults.sharing_agreement,
                period_start=info.period_start or parsed.period_start,
                period_end=info.period_end or parsed.period_end,
                row_count=parsed.row_count,
                checksum=parsed.source.checksum,
                loaded_by=user,
                loaded_by_name=loaded_by_name or (user.email if user else ""),
            )
            try:
                importer.write(parsed, dataset, tick)
            except TextTooLong as long:  # the transaction rolls back: nothing of any file stays
                raise LoadFailed([too_long_problem(parsed.source, long)]) from None
            outcomes.append(Outcome(str(parsed.source.path), dataset, parsed.row_count))
        if ready:
            written = [o.dataset for o in outcomes if not o.unchanged]
            transaction.on_commit(
                lambda: data_loaded.send(sender=type(importer), kind=kind, datasets=written))
    return outcomes
