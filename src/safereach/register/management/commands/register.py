"""`safereach register import PATH... --agency SLUG`: record notices and their events from CSV."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from safereach.accounts.models import Agency
from safereach.evidence.importers.base import LoadFailed
from safereach.register.importer import import_files
from safereach.register.records import Who


class Command(BaseCommand):
    help = "The public register of fire-safety notices."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        i = actions.add_parser(
            "import",
            help="record notices and their events from CSV files "
            "(one row for each event; see docs/formats.md), all or nothing",
        )
        i.add_argument("paths", nargs="+", metavar="PATH")
        i.add_argument(
            "--agency",
            required=True,
            metavar="SLUG",
            help="the fire and rescue authority that served the notices (its slug)",
        )
        i.add_argument("--by", default="", help="who is recording (default: the operating-system user)")

    def handle(self, *args, action, paths, agency, by, **opts):
        found = Agency.objects.filter(slug=agency).first()
        if found is None:
            known = ", ".join(
                Agency.objects.filter(kind=Agency.Kind.FIRE_RESCUE).values_list("slug", flat=True)
            )
            raise CommandError(f"No agency {agency!r}. Fire and rescue services: {known or 'none yet'}")
        try:
            outcome = import_files(paths, found, Who(name=by or getpass.getuser()))
        except LoadFailed as failed:
            self.stderr.write(failed.report())
            count = len(failed.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was recorded."
            ) from None
        self.stdout.write(
            f"Recorded {outcome.notices} new notice{'s' if outcome.notices != 1 else ''} and "
            f"{outcome.events} event{'s' if outcome.events != 1 else ''}; {outcome.skipped} "
            "row(s) were already recorded."
        )
