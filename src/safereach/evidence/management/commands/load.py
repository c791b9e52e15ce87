"""`safereach load KIND PATH...`: load source files, all or nothing."""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from safereach.accounts.models import AuditEvent
from safereach.evidence.importers.base import DatasetInfo, LoadFailed
from safereach.evidence.importers.registry import IMPORTERS
from safereach.evidence.importers.run import load
from safereach.evidence.models import Classification


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM)") from None


class Command(BaseCommand):
    help = "Load data files of one kind. Every file is checked first; if any has a problem nothing is loaded."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS),
                            help="; ".join(f"{k}: {IMPORTERS[k].help}" for k in sorted(IMPORTERS)))
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--licence", default="")
        parser.add_argument("--classification", choices=Classification.values, default="")
        parser.add_argument("--sharing-agreement", default="")
        parser.add_argument("--period-start", type=_date)
        parser.add_argument("--period-end", type=_date)
        parser.add_argument("--name", default="", help="Dataset name (default: from the file)")
        parser.add_argument("--encoding", default="utf-8",
                            help="Text encoding of the files (default utf-8; GIAS often windows-1252)")
        parser.add_argument("--mapping", default="",
                            help="Column mapping file (fire-incidents: which column holds what)")
        parser.add_argument("--place-kind", default="",
                            help="places: the kind for every row when the file has no kind column")
        parser.add_argument("--postcodes", action="append", default=[], metavar="FILE",
                            help="places: OS Code-Point Open CSV(s) to place rows that have only a postcode")
        parser.add_argument("--service", default="", choices=["fire", "police", "other"],
                            help="stations: the service for rows without a Service column")
        parser.add_argument("--measure", default="",
                            help="area-rates: what the figures count, e.g. 'dwelling fires'")
        parser.add_argument("--loaded-by", default="",
                            help="Who is loading (default: the operating-system user)")

    def handle(self, *args, kind, paths, **opts):
        import getpass

        info = DatasetInfo(
            publisher=opts["publisher"], licence=opts["licence"],
            classification=opts["classification"], sharing_agreement=opts["sharing_agreement"],
            period_start=opts["period_start"], period_end=opts["period_end"], name=opts["name"],
        )
        who = opts["loaded_by"] or getpass.getuser()
        options = {"mapping": opts["mapping"], "place_kind": opts["place_kind"],
                   "postcodes": opts["postcodes"],
                   "service": opts["service"], "measure": opts["measure"]}
        bar = tqdm(desc=f"Loading {kind}", unit=" rows", file=sys.stderr, disable=None,
                   mininterval=0.5)
        try:
            outcomes = load(kind, paths, info, options=options, loaded_by_name=who,
                            encoding=opts["encoding"], progress=bar.update)
        except LoadFailed as failed:
            bar.close()
            self.stderr.write(failed.report())
            count = len(failed.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was loaded."
            ) from None
        finally:
            bar.close()
        for outcome in outcomes:
            if outcome.unchanged:
                self.stdout.write(f"{outcome.path}: already loaded as “{outcome.dataset.name}”, unchanged")
            else:
                self.stdout.write(f"{outcome.path}: loaded {outcome.rows:,} rows as “{outcome.dataset.name}”")
                AuditEvent.objects.create(actor=who, action="dataset.load", target=outcome.dataset.name,
                                          detail={"kind": kind, "rows": outcome.rows,
                                                  "checksum": outcome.dataset.checksum})
