"""`safereach datasets`: what has been loaded, from where, with how many rows."""

import json

from django.core.management.base import BaseCommand

from safereach.evidence.models import Dataset


def dataset_record(dataset: Dataset) -> dict:
    return {
        "id": dataset.pk,
        "kind": dataset.kind,
        "name": dataset.name,
        "source_file": dataset.source_file,
        "publisher": dataset.publisher,
        "licence": dataset.licence,
        "period_start": dataset.period_start.isoformat() if dataset.period_start else None,
        "period_end": dataset.period_end.isoformat() if dataset.period_end else None,
        "classification": dataset.classification,
        "sharing_agreement": dataset.sharing_agreement,
        "rows": dataset.row_count,
        "checksum": dataset.checksum,
        "loaded_by": dataset.loaded_by.email if dataset.loaded_by else dataset.loaded_by_name,
        "loaded_at": dataset.loaded_at.isoformat(),
        "fictional": dataset.is_fictional,
    }


class Command(BaseCommand):
    help = "List the datasets loaded, with their provenance and row counts."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON")
        parser.add_argument("--kind", default="", help="Only datasets of this kind")

    def handle(self, *args, **opts):
        datasets = Dataset.objects.select_related("loaded_by").order_by("kind", "source_file")
        if opts["kind"]:
            datasets = datasets.filter(kind=opts["kind"])
        records = [dataset_record(d) for d in datasets]
        if opts["json"]:
            self.stdout.write(json.dumps(records, indent=2))
            return
        if not records:
            self.stdout.write("No datasets loaded yet. Try: safereach load --help")
            return
        for r in records:
            self.stdout.write(f"{r['kind']:<15} {r['rows']:>9,}  {r['classification']:<18} "
                              f"{r['source_file']}  ({r['name']})")
