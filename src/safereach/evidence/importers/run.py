"""Load files of one kind: validate them all, then write them all in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from safereach.areas.locate import reuse_locators
from safereach.evidence.importers.base import DatasetInfo, LoadFailed, Parsed, SourceFile
from safereach.evidence.importers.registry import IMPORTERS
from safereach.evidence.models import Dataset
from safereach.evidence.signals import data_loaded


@dataclass
class Outcome:
    path: str
    dataset: Dataset | None
    rows: int
    unchanged: bool = False


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
            ready.append(importer.parse(source, options, tick))
        except LoadFailed as failed:
            problems.extend(failed.problems)
    if problems:
        raise LoadFailed(problems)
    with transaction.atomic(), reuse_locators():
        for parsed in ready:
            defaults = parsed.defaults or importer.defaults
            dataset = Dataset.objects.create(
                kind=kind,
                name=info.name or parsed.name,
                source_file=parsed.source.name,
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
            importer.write(parsed, dataset, tick)
            outcomes.append(Outcome(str(parsed.source.path), dataset, parsed.row_count))
        if ready:
            written = [o.dataset for o in outcomes if not o.unchanged]
            transaction.on_commit(
                lambda: data_loaded.send(sender=type(importer), kind=kind, datasets=written))
    return outcomes
