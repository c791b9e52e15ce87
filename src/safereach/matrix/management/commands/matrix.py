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
        k.add_argument("--until", required=True, metavar="YYYY-MM")
        k.add_argument("--horizon", type=int, default=3, metavar="MONTHS")
        k.add_argument("--json", action="store_true")

    def handle(self, *args, action, **opts):
        return getattr(self, f"_{action}")(**opts)

    def _build(self, programme=None, area=None, **opts):
        programmes = [_programme(programme)] if programme else None
        try:
            built = build(programmes, area=_district(area), built_by=getpass.getuser())
        except ValueError as error:  # a programme with no targeting profile yet
            raise CommandError(f"{error}: write one on its profile page first") from None
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

    def _backtest(self, programme, until, horizon, json=False, **opts):
        p = _programme(programme)
        if not 1 <= horizon <= 24:
            raise CommandError("--horizon must be from 1 to 24 months")
        month = _month(until)
        try:
            result = run_backtest(p, until=month, horizon=horizon, ran_by=getpass.getuser()).result
        except ValueError as error:
            raise CommandError(str(error)) from None
        if json:
            self.stdout.write(_json(result))
            return
        self.stdout.write(f"{p.name}: built to {result['until']}, next {horizon} months, "
                          f"{result['incidents_after']:,} incidents of {', '.join(result['categories'])}")
        if result["incidents_after"] == 0:
            self.stdout.write("  No incidents of these categories in the months after: the data "
                              "loaded cannot test this programme's list.")
            return
        for name, figures in result["rankings"].items():
            rho, share = figures["spearman"], figures["capture_top_10pc"]
            self.stdout.write(f"  {name:<18} Spearman {'not defined' if rho is None else f'{rho:.3f}'}"
                              f"  capture by the top 10%: "
                              f"{'not defined' if share is None else f'{100 * share:.1f}%'}")
        if result["months_missing"]:
            self.stdout.write("  months with no data: " + ", ".join(result["months_missing"]))


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
