"""`safereach mappack --area CODE --month YYYY-MM --out FILE.pdf`: the monthly meeting's map pack."""

import getpass
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safereach.maps.access import Viewer
from safereach.maps.forms import parse_month
from safereach.maps.map_areas import UnknownArea
from safereach.maps.mappack.build import build_map_pack


class Command(BaseCommand):
    help = "Build the map pack for the monthly multi-agency meeting as a PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--area",
            required=True,
            metavar="CODE",
            help="a district's (or ward's) ONS code, or 'county' for every district loaded",
        )
        parser.add_argument("--month", required=True, metavar="YYYY-MM")
        parser.add_argument("--out", required=True, metavar="FILE.pdf")
        parser.add_argument(
            "--shared",
            action="store_true",
            help="as partners see it: counts under 5 suppressed, no OFFICIAL-SENSITIVE notices",
        )

    def handle(self, *args, area, month, out, shared, **options):
        first = parse_month(month)
        if first is None:
            raise CommandError(f"{month!r} is not a month: give it as YYYY-MM, e.g. 2024-03")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist")
        viewer = Viewer.everyone() if shared else Viewer.analyst()

        def progress(fraction, text):
            if options.get("verbosity", 1) > 0:
                print(f"{100 * fraction:3.0f}%  {text}", file=sys.stderr)

        try:
            pack = build_map_pack(area, first, viewer, progress=progress, asked_by=getpass.getuser())
        except UnknownArea as error:
            raise CommandError(
                f"{error}. Use a district's code (see `safereach datasets`) or 'county'."
            ) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        path.write_bytes(pack.pdf)
        self.stdout.write(f"{path}: {pack.pages} pages, {pack.classification}")
