"""Target lists, school profiles, the district summary, back-tests and exports."""

import csv
import io
import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from safereach.accounts.audit import record
from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.permissions import role_required
from safereach.areas.basemap import basemap_around
from safereach.areas.models import Area
from safereach.governance.gate import sensitive_gate
from safereach.matrix import indicators as ind
from safereach.matrix.forms import SORTS, BacktestForm, ProfileForm, TargetListFilter
from safereach.matrix.models import BacktestRun, Programme, Score, TargetList
from safereach.matrix.profiles import Profile
from safereach.matrix.sharing import hidden_kinds, sensitive_behind, without_hidden
from safereach.matrix.tasks import back_test
from safereach.schools.models import School

logger = logging.getLogger(__name__)

ROLES = (Role.ANALYST, Role.COORDINATOR, Role.PARTNER)
PAGE_SIZE = 50
RECENT_RUNS = 10
BASELINE_NAMES = {"profile": "This programme's profile", "imd_only": "IMD alone",
                  "last_period_count": "Last period's count alone",
                  "learned_poisson": "Learned profile (Poisson regression on earlier months)"}


def _programme(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not programme.visible_to(request.user):
        raise PermissionDenied
    return programme


def _shared(user) -> bool:
    """Partners get figures as shared outside the analysts' team: small counts suppressed."""
    return not user.has_role(Role.ANALYST, Role.COORDINATOR)


def _current(programme, area=None) -> TargetList | None:
    return (programme.target_lists.filter(is_current=True, area=area)
            .select_related("profile_version", "area").first())


def _indicator_kinds(target_list: TargetList) -> set[str]:
    try:
        return {i.kind for i in Profile.from_json(target_list.profile_version.profile).indicators}
    except ValueError:
        return set()


def _area(request) -> Area | None:
    """The district a list compares schools within (`?area=CODE`); None for every school."""
    code = request.GET.get("area", "").strip()
    if not code:
        return None
    area = Area.objects.filter(code=code, level=Area.Level.DISTRICT).first()
    if area is None:
        raise Http404(f"No district with the code {code}")
    return area


@role_required(*ROLES)
def programmes(request):
    rows = []
    for programme in Programme.visible(request.user).order_by("name"):
        current = _current(programme)
        rows.append({"programme": programme, "list": current,
                     "top": current.scores.filter(decile=1).count() if current else 0,
                     "areas": programme.target_lists.filter(is_current=True, area__isnull=False)
                     .select_related("area").order_by("area__name")})
    return render(request, "matrix/programmes.html", {"rows": rows})


def _filtered(request, programme, target_list):
    scores = target_list.scores.select_related("school", "school__lsoa__parent",
                                               "school__lsoa__district")
    areas = Area.objects.filter(level=Area.Level.LSOA, schools__matrix_scores__target_list=target_list)
    districts = sorted({(c, n) for c, n in areas.values_list("district__code", "district__name") if c},
                       key=lambda x: x[1])
    wards = sorted({(c, n) for c, n in areas.values_list("parent__code", "parent__name") if c},
                   key=lambda x: x[1])
    form = TargetListFilter(request.GET or None, districts=districts, wards=wards)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    if data.get("district"):
        scores = scores.filter(school__lsoa__district__code=data["district"])
    if data.get("ward"):
        scores = scores.filter(school__lsoa__parent__code=data["ward"])
    if data.get("phase"):
        scores = scores.filter(phase_group=data["phase"])
    if q := (data.get("q") or "").strip():
        match = Q(school__name__icontains=q)
        if q.isdigit():
            match |= Q(school__urn=int(q))
        scores = scores.filter(match)
    order = SORTS.get(data.get("sort") or "rank")[0]
    return form, scores.order_by(order, "school__name")


@role_required(*ROLES)
def target_list(request, slug):
    programme = _programme(request, slug)
    area = _area(request)
    current = _current(programme, area)
    if current is None:
        return render(request, "matrix/target_list.html",
                      {"programme": programme, "list": None, "area": area})
    form, scores = _filtered(request, programme, current)
    if scores is None:
        return render(request, "matrix/target_list.html",
                      {"programme": programme, "list": current, "form": form, "page": None,
                       "first_field": form["q"], "area": area}, status=400)
    hidden = hidden_kinds(request.user)
    gate = sensitive_gate(request, sensitive_behind(request.user, _indicator_kinds(current) - hidden),
                          what=f"target list {programme.slug}")
    if gate:
        return gate
    paginator = Paginator(scores, PAGE_SIZE)
    number = form.cleaned_data.get("page") or 1 if request.GET else 1
    if number > paginator.num_pages:
        raise Http404("No such page of this target list")
    query = request.GET.copy()
    query.pop("page", None)
    page = paginator.page(number)
    for score in page:
        score.reasons = score.top_reasons(shared=_shared(request.user), hidden=hidden)
    return render(request, "matrix/target_list.html", {
        "programme": programme, "list": current, "form": form, "page": page,
        "query": query.urlencode(), "first_field": form["q"], "area": area,
        "withheld_here": sorted(hidden & _indicator_kinds(current)),
    })


EXPORT_HEADER = ["Rank", "URN", "School", "Phase", "District", "Ward", "Score", "Decile",
                 "Reason 1", "Reason 2", "Reason 3"]


def _export_rows(scores, shared: bool, hidden=frozenset()):
    for s in scores:
        lsoa = s.school.lsoa
        reasons = s.top_reasons(shared=shared, hidden=hidden)
        yield [s.rank, s.school.urn, s.school.name, s.school.phase,
               lsoa.district.name if lsoa and lsoa.district else s.school.la_name,
               lsoa.parent.name if lsoa and lsoa.parent else "", s.score, s.decile,
               *(reasons + [""] * (3 - len(reasons)))]


@role_required(*ROLES)
def export(request, slug, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX")
    programme = _programme(request, slug)
    current = _current(programme, _area(request))
    if current is None:
        raise Http404("This programme has no target list yet")
    form, scores = _filtered(request, programme, current)
    if scores is None:
        return HttpResponse("The filters are not valid: " + "; ".join(
            e for errors in form.errors.values() for e in errors), status=400,
            content_type="text/plain; charset=utf-8")
    hidden = hidden_kinds(request.user)
    gate = sensitive_gate(request, sensitive_behind(request.user, _indicator_kinds(current) - hidden),
                          export=True, what=f"target list {programme.slug} ({fmt})")
    if gate:
        return gate
    AuditEvent.objects.create(user=request.user, action=f"matrix.export.{fmt}",
                              target=programme.slug, detail={"filters": request.GET.dict()})
    name = f"target-list-{programme.slug}-{current.built_at:%Y-%m-%d}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(_export_rows(scores, _shared(request.user), hidden))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Target list"
        sheet.append(EXPORT_HEADER)
        for row in _export_rows(scores, _shared(request.user), hidden):
            sheet.append(row)
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@role_required(*ROLES)
def school(request, urn):
    school = get_object_or_404(School.objects.select_related("lsoa", "lsoa__parent", "lsoa__district"),
                               urn=urn)
    visible = Programme.visible(request.user)
    scores = list(Score.objects.filter(school=school, target_list__is_current=True,
                                       target_list__area__isnull=True, programme__in=visible)
                  .select_related("programme", "target_list").order_by("decile", "programme__name"))
    if not scores and not visible.exists():
        raise PermissionDenied
    totals = dict(Score.objects.filter(target_list__in=[s.target_list for s in scores])
                  .values_list("target_list").annotate(n=Count("id")))
    hidden = hidden_kinds(request.user)
    kinds = {c.get("kind") for s in scores for c in s.contributions} - hidden
    gate = sensitive_gate(request, sensitive_behind(request.user, kinds), what=f"school {school.urn}")
    if gate:
        return gate
    for s in scores:
        s.out_of = totals.get(s.target_list_id, 0)
        s.shown = without_hidden(
            s.shared_contributions() if _shared(request.user) else s.contributions, hidden)
    lsoa = school.lsoa
    radius = max((s.target_list.profile_version.profile.get("radius_m", {}).get(s.phase_group, 0)
                  for s in scores), default=0) or {"primary": 1500}.get(ind.phase_group(school.phase), 3000)
    map_data = {
        "school": {"name": school.name, "lat": school.lat, "lon": school.lon},
        "radius_m": radius,
        "lsoa": ({"name": lsoa.name, "geometry": json.loads(lsoa.geometry)}
                 if lsoa and lsoa.geometry else None),
        "basemap": basemap_around([(school.lat, school.lon)], at_least_m=2 * radius),
    }
    return render(request, "matrix/school.html", {
        "school": school, "scores": scores, "high": [s for s in scores if s.decile <= 2],
        "map_data": map_data if school.lat is not None else None,
        "phase_group": ind.phase_group(school.phase),
    })


@role_required(*ROLES)
def districts(request):
    visible = list(Programme.visible(request.user).targeted().order_by("name"))
    current = {t.programme_id: t for t in TargetList.objects.filter(is_current=True, area=None,
                                                                     programme__in=visible)}
    counts = {}
    names = {}
    for programme_id, code, name, top, total in (
            Score.objects.filter(target_list__in=current.values())
            .values_list("programme_id", "school__lsoa__district__code", "school__lsoa__district__name")
            .annotate(top=Count("id", filter=Q(decile=1)), total=Count("id"))):
        key = code or ""
        names[key] = name or "District not known"
        counts[(key, programme_id)] = (top, total)
    rows = [{"name": names[key],
             "cells": [counts.get((key, p.id), (0, 0)) for p in visible]}
            for key in sorted(names, key=lambda k: names[k])]
    return render(request, "matrix/districts.html", {
        "programmes": [p for p in visible], "rows": rows, "built": bool(current)})


def _backtest_page(request, programme, form, *, run=None, status=200):
    """The back-test page: the form, the run asked for (its progress, its failure or its
    figures), and the back-tests kept so far."""
    others = programme.backtest_runs.filter(state__in=[BacktestRun.State.WAITING, BacktestRun.State.RUNNING])
    if run is not None:
        others = others.exclude(pk=run.pk)
    under_way = list(others[:RECENT_RUNS])
    for other in under_way:
        other.give_up_if_stalled()
    return render(request, "matrix/backtest.html", {
        "programme": programme, "form": form, "run": run,
        "result": run.result if run and run.state == BacktestRun.State.DONE else None,
        "under_way": [r for r in under_way if not r.is_finished],
        "earlier": programme.backtests.select_related("profile_version", "run")[:20],
        "names": BASELINE_NAMES,
    }, status=status)


def _backtest_form(request, programme, run=None) -> BacktestForm:
    """The form as the person last filled it in for this programme (or as `run` was asked)."""
    run = run or programme.backtest_runs.filter(asked_by=request.user).first()
    initial = {"programme": programme.slug, "horizon": 3}
    if run:
        initial.update(until=f"{run.until:%Y-%m}", horizon=run.horizon_months)
    return BacktestForm(initial=initial, programmes=Programme.visible(request.user).targeted())


@role_required(*ROLES)
def backtest(request, slug):
    """Ask for a back-test: it runs in the background, on the run's own page."""
    programme = _programme(request, slug)
    if request.method != "POST":
        return _backtest_page(request, programme, _backtest_form(request, programme))
    form = BacktestForm(request.POST, programmes=Programme.visible(request.user).targeted())
    if not form.is_valid():
        return _backtest_page(request, programme, form, status=400)
    run = BacktestRun.objects.create(asked_by=request.user, programme=form.cleaned_data["programme"],
                                     until=form.cleaned_data["until"],
                                     horizon_months=form.cleaned_data["horizon"])
    try:
        back_test.enqueue(run.pk)
    except Exception as exc:
        # The task system itself refused (say, its table is missing): say so on the run's
        # page rather than leave the run waiting.
        logger.exception("Back-test %s could not be enqueued", run.pk)
        run.fail(f"The back-test could not be started: {exc}")
    return redirect("matrix:backtest-run", slug=run.programme.slug, pk=run.pk)


def _run(request, slug, pk) -> tuple[Programme, BacktestRun]:
    programme = _programme(request, slug)
    run = get_object_or_404(programme.backtest_runs, pk=pk)
    run.give_up_if_stalled()
    return programme, run


@role_required(*ROLES)
def backtest_run(request, slug, pk):
    """One back-test: its progress until its figures are ready, then the figures."""
    programme, run = _run(request, slug, pk)
    return _backtest_page(request, programme, _backtest_form(request, programme, run), run=run)


@role_required(*ROLES)
def backtest_progress(request, slug, pk):
    """How far a back-test has got, for the page's script to show without reloading."""
    programme, run = _run(request, slug, pk)
    response = JsonResponse({**run.progress_report(),
                             "url": reverse("matrix:backtest-run", args=[programme.slug, run.pk])})
    response["Cache-Control"] = "no-store"
    return response


@role_required(*ROLES)
def profile(request, slug):
    """The programme's targeting profile and every earlier version; analysts change it."""
    programme = _programme(request, slug)
    can_edit = request.user.has_role(Role.ANALYST)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ProfileForm(request.POST)
        if form.is_valid():
            version = programme.change_profile(form.cleaned_data["profile"], user=request.user,
                                               note=form.cleaned_data["note"])
            record("matrix.profile.change", user=request.user, target=programme.slug,
                   version=version.version, note=form.cleaned_data["note"])
            return redirect("matrix:profile", slug=programme.slug)
        status = 400
    else:
        form = ProfileForm(initial={"profile": "" if programme.profile is None else json.dumps(
            programme.profile, indent=2, ensure_ascii=False)})
    return render(request, "matrix/profile.html", {
        "programme": programme, "form": form, "can_edit": can_edit, "first_field": form["profile"],
        "versions": programme.versions.select_related("created_by"),
        "current": _current(programme),
    }, status=status)
