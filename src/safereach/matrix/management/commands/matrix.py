"""`safereach matrix build|top|backtest`: target lists from the command line."""

import getpass
import json
import re

from django.core.management.base import BaseCommand, CommandError

from safereach.areas.models import Area
from safereach.matrix import indicators as ind
from safereach.matrix.build import build, run_backtest
from safereach.matrix.models import Programme
from safereach.matrix.targets import current_scores


def _month(text: str) -> int:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise CommandError(f"{text!r} is not a month: give it as YYYY-MM, e.g. 2018-12")
    return ind.month_index(int(match[1]), int(match[2]))


def _programme(slug: str) -> Programme:
    try:
        return Programme.objects.get(slug=slug)
    except Programme.DoesNotExist:
        known = ", ".join(Programme.objects.values_list("slug", flat=True))
        raise CommandError(f"No programme {slug!r}. Programmes: {known}") from None


def _district(code: str | None) -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(code=code, level=Area.Level.DISTRICT).first()
    if area is None:
        raise CommandError(f"No district with the code {code!r} is loaded")
    return area


class Command(BaseCommand):
    help = "Build, list and back-test the schools vulnerability matrix."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        b = actions.add_parser("build", help="build the target lists (all programmes or one)")
        b.add_argument("--programme", metavar="SLUG")
        b.add_argument("--area", metavar="CODE",
                       help="a district code: compare its schools with each other only")
        t = actions.add_parser("top", help="the top schools of a programme's current list")
        t.add_argument("--programme", metavar="SLUG", required=True)
        t.add_argument("--n", type=int, default=10)
        t.add_argument("--area", metavar="CODE", help="the list built for this district")
        t.add_argument("--json", action="store_true")
        k = actions.add_parser("backtest", help="does the list point where incidents happen next?")
        k.add_argument("--programme", metavar="SLUG", required=True)
        k.add_argument("--until", metavar="YYYY-MM",
                       help="the last month to forecast from (default: the latest there can be)")
        k.add_argument("--horizon", type=int, default=3, metavar="MONTHS")
        k.add_argument("--origins", type=int, default=6, metavar="N",
                       help="how many months to forecast from, each the horizon before the next "
                            "data (default 6)")
        k.add_argument("--json", action="store_true")

    def handle(self, *args, action, **opts):
        return getattr(self, f"_{action}")(**opts)

    def _build(self, programme=None, area=None, **opts):
        programmes = [_programme(programme)] if programme else None
        try:
            built = build(programmes, area=_district(area), built_by=getpass.getuser())
        except ValueError as error:  # no targeting profile yet, or one out of bounds
            raise CommandError(f"{error}. Write or correct it on the programme's profile page") from None
        for target_list in built:
            self.stdout.write(f"{target_list.programme.slug}: {target_list.school_count:,} schools "
                              f"ranked (profile v{target_list.profile_version.version}, incidents "
                              f"to {target_list.until:%Y-%m})" if target_list.until else
                              f"{target_list.programme.slug}: {target_list.school_count:,} schools ranked")

    def _top(self, programme, n, json=False, area=None, **opts):
        p = _programme(programme)
        if n < 1:
            raise CommandError("--n must be 1 or more")
        scores = list(current_scores(p.slug, _district(area)).select_related("school")[:n])
        if not scores and not p.has_profile:
            raise CommandError(f"{p.slug} has no targeting profile yet, so no target list")
        if not scores:
            raise CommandError(f"{p.slug} has no target list yet: run `safereach matrix build`"
                               + (f" --area {area}" if area else ""))
        rows = [{"rank": s.rank, "urn": s.school.urn, "school": s.school.name,
                 "phase": s.school.phase, "score": s.score, "decile": s.decile,
                 "reasons": s.top_reasons()} for s in scores]
        if json:
            self.stdout.write(_json(rows))
            return
        for row in rows:
            self.stdout.write(f"{row['rank']:>4}  {row['score']:5.1f}  decile {row['decile']}  "
                              f"{row['school']} (URN {row['urn']})")
            for reason in row["reasons"]:
                self.stdout.write(f"        - {reason}")

    def _backtest(self, programme, until=None, horizon=3, origins=6, json=False, **opts):
        p = _programme(programme)
        if not 1 <= horizon <= 24:
            raise CommandError("--horizon must be from 1 to 24 months")
        if not 1 <= origins <= 24:
            raise CommandError("--origins must be from 1 to 24")
        month = _month(until) if until else None
        try:
            result = run_backtest(p, until=month, horizon=horizon, origins=origins,
                                  ran_by=getpass.getuser()).result
        except ValueError as error:
            raise CommandError(str(error)) from None
        if json:
            self.stdout.write(_json(result))
            return
        self.stdout.write(f"{p.name}: {result['origins_used']} origins from {result['first_origin']} "
                          f"to {result['until']}, each {horizon} month{'s' if horizon != 1 else ''} "
                          f"ahead; {result['incidents_after']:,} incidents of "
                          f"{', '.join(result['categories'])} in the months forecast")
        if result["origins_used"] < origins:
            self.stdout.write(f"  Only {result['origins_used']} of the {origins} origins asked for: "
                              f"the data has no more months followed by {horizon} with data.")
        if result["incidents_after"] == 0:
            self.stdout.write("  No incidents of these categories in the months after: the data "
                              "loaded cannot test this programme's list.")
            return
        self.stdout.write(f"  {'ranking':<34} {'Spearman':>9} {'top-decile precision':>21} "
                          f"{'exposure captured':>18}   (means over origins)")
        for name, figures in result["rankings"].items():
            cells = [("–" if figures[m] is None else f"{figures[m]:.3f}")
                     for m in ("spearman", "top_decile_precision", "exposure_captured")]
            self.stdout.write(f"  {name:<34} {cells[0]:>9} {cells[1]:>21} {cells[2]:>18}")


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
