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
from safereach.core.small_counts import shared_count
from safereach.governance.gate import sensitive_gate
from safereach.matrix import indicators as ind
from safereach.matrix.forms import SORTS, BacktestForm, ProfileForm, ProfileNumbersForm, TargetListFilter
from safereach.matrix.models import BacktestRun, BuildRun, Programme, Score, TargetList
from safereach.matrix.profiles import Profile
from safereach.matrix.sharing import hidden_kinds, sensitive_behind, without_hidden
from safereach.matrix.tasks import back_test, rebuild_list
from safereach.matrix.wording import BASELINE_NAMES, backtest_rows, backtest_verdict, weighting_sentence
from safereach.schools.models import School

logger = logging.getLogger(__name__)

ROLES = (Role.ANALYST, Role.COORDINATOR, Role.PARTNER)
PAGE_SIZE = 20  # schools a page: each row carries up to three reasons
RECENT_RUNS = 10


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
    pages = list(paginator.get_elided_page_range(number, on_each_side=1, on_ends=1))
    for score in page:
        score.reasons = score.top_reasons(shared=_shared(request.user), hidden=hidden)
    details = current.details or {}
    return render(request, "matrix/target_list.html", {
        "programme": programme, "list": current, "form": form, "page": page,
        "query": query.urlencode(), "first_field": form["q"], "area": area,
        "pages": pages, "ellipsis": paginator.ELLIPSIS,
        "weighting": weighting_sentence(details.get("need_weight", 0.0), details.get("has_need", True),
                                        details.get("has_risk", True)),
        "forecast": details.get("forecast"),
        "left_out": details.get("left_out") or [],
        "withheld_here": sorted(hidden & _indicator_kinds(current)),
    })


EXPORT_HEADER = ["Rank", "URN", "School", "Phase", "District", "Ward", "Score", "Decile",
                 "Need (0-100)", "Risk (0-100)", "Incidents expected",
                 "Reason 1", "Reason 2", "Reason 3"]


def _export_rows(scores, shared: bool, hidden=frozenset()):
    for s in scores:
        lsoa = s.school.lsoa
        reasons = s.top_reasons(shared=shared, hidden=hidden)
        yield [s.rank, s.school.urn, s.school.name, s.school.phase,
               lsoa.district.name if lsoa and lsoa.district else s.school.la_name,
               lsoa.parent.name if lsoa and lsoa.parent else "", s.score, s.decile,
               s.need, s.risk, s.expected,
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
def district_summary(request, slug):
    """One programme's list by district: what happened there beside its top-decile schools."""
    programme = _programme(request, slug)
    current = _current(programme)
    rows = (current.details or {}).get("districts", []) if current else []
    # Partners see counts of 1 to 4 as "fewer than 5".
    rows = [{**r, "incidents_shown": None if r["incidents"] is None
             else shared_count(r["incidents"], _shared(request.user))} for r in rows]
    return render(request, "matrix/district_summary.html", {
        "programme": programme, "list": current, "rows": rows,
        "categories": programme.parsed_profile().target_categories,
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
    result = run.result if run and run.state == BacktestRun.State.DONE else None
    return render(request, "matrix/backtest.html", {
        "programme": programme, "form": form, "run": run,
        "result": result, "rows": backtest_rows(result) if result else [],
        "verdict": backtest_verdict(result) if result else "",
        "under_way": [r for r in under_way if not r.is_finished],
        "earlier": programme.backtests.select_related("profile_version", "run")[:20],
        "names": BASELINE_NAMES,
    }, status=status)


def _backtest_form(request, programme, run=None) -> BacktestForm:
    """The form as the person last filled it in for this programme (or as `run` was asked)."""
    run = run or programme.backtest_runs.filter(asked_by=request.user).first()
    initial = {"programme": programme.slug, "horizon": 3, "origins": 6}
    if run:
        initial.update(until=f"{run.until:%Y-%m}", horizon=run.horizon_months, origins=run.origins)
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
                                     horizon_months=form.cleaned_data["horizon"],
                                     origins=form.cleaned_data["origins"])
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


def _profile_page(request, programme, *, form=None, status=200):
    """The profile page: its numbers (a form for analysts), the list's latest rebuild, and
    every version."""
    can_edit = request.user.has_role(Role.ANALYST)
    problem = _profile_problem(programme)
    if form is None and can_edit and programme.has_profile and not problem:
        form = ProfileNumbersForm(profile=programme.profile)
    rebuild = programme.build_runs.first()
    if rebuild is not None:
        rebuild.give_up_if_stalled()
    return render(request, "matrix/profile.html", {
        "programme": programme, "form": form, "can_edit": can_edit,
        "first_field": form[form.weight_fields[0]] if form else None,
        "profile_json": "" if programme.profile is None else json.dumps(
            programme.profile, indent=2, ensure_ascii=False),
        "versions": programme.versions.select_related("created_by"),
        "current": _current(programme), "rebuild": rebuild, "problem": problem,
    }, status=status)


def _profile_problem(programme) -> str:
    """What is wrong with a saved profile no list can be built from (written before its numbers
    had bounds, or past them), or ''."""
    if not programme.has_profile:
        return ""
    try:
        programme.parsed_profile()
    except ValueError as error:
        return str(error)
    return ""


def _save_profile(request, programme, profile: dict, note: str):
    version = programme.change_profile(profile, user=request.user, note=note)
    record("matrix.profile.change", user=request.user, target=programme.slug,
           version=version.version, note=note)


@role_required(*ROLES)
def profile(request, slug):
    """The programme's targeting profile and every earlier version; analysts change its numbers."""
    programme = _programme(request, slug)
    if request.method != "POST":
        return _profile_page(request, programme)
    if not request.user.has_role(Role.ANALYST):
        raise PermissionDenied
    if not programme.has_profile or _profile_problem(programme):
        return redirect("matrix:profile-indicators", slug=programme.slug)
    form = ProfileNumbersForm(request.POST, profile=programme.profile)
    if not form.is_valid():
        return _profile_page(request, programme, form=form, status=400)
    _save_profile(request, programme, form.cleaned_data["profile"], form.cleaned_data["note"])
    return redirect("matrix:profile", slug=programme.slug)


@role_required(Role.ANALYST)
def profile_indicators(request, slug):
    """Which indicators count (and every number) as JSON: for a programme's first profile, or
    an indicator added or taken out."""
    programme = _programme(request, slug)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            _save_profile(request, programme, form.cleaned_data["profile"], form.cleaned_data["note"])
            return redirect("matrix:profile", slug=programme.slug)
        status = 400
    else:
        form = ProfileForm(initial={"profile": "" if programme.profile is None else json.dumps(
            programme.profile, indent=2, ensure_ascii=False)})
    return render(request, "matrix/profile_indicators.html", {
        "programme": programme, "form": form, "first_field": form["profile"]}, status=status)


@role_required(Role.ANALYST)
def rebuild(request, slug):
    """Rebuild the programme's list in the background; its state shows on the profile page."""
    programme = _programme(request, slug)
    if request.method != "POST":
        return redirect("matrix:profile", slug=programme.slug)
    if not programme.has_profile:
        raise Http404("This programme has no profile to build a list from")
    under_way = programme.build_runs.filter(state__in=[BuildRun.State.WAITING, BuildRun.State.RUNNING])
    for run in under_way:
        run.give_up_if_stalled()
    if not under_way.exists():  # one rebuild at a time: a second click waits for the first
        run = BuildRun.objects.create(asked_by=request.user, programme=programme)
        try:
            rebuild_list.enqueue(run.pk)
        except Exception as exc:
            logger.exception("Rebuild %s could not be enqueued", run.pk)
            run.fail(f"The rebuild could not be started: {exc}")
    return redirect(reverse("matrix:profile", args=[programme.slug]) + "#rebuild")


@role_required(*ROLES)
def rebuild_progress(request, slug, pk):
    """How far a rebuild has got, for the profile page's script."""
    programme = _programme(request, slug)
    run = get_object_or_404(programme.build_runs, pk=pk)
    run.give_up_if_stalled()
    # A URL of its own (not only a new #fragment), so the script's move to it loads the page.
    response = JsonResponse({**run.progress_report(),
                             "url": reverse("matrix:profile", args=[programme.slug])
                             + f"?rebuild={run.pk}#rebuild"})
    response["Cache-Control"] = "no-store"
    return response

