"""The reach pages: every agency's figures together (shared: other agencies' small counts
suppressed) and one agency's, with charts, tables, and CSV and XLSX exports."""

from __future__ import annotations

import csv
import io

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Agency, AuditEvent, Role
from safereach.accounts.permissions import role_required
from safereach.delivery import charts
from safereach.delivery.reach import (
    BREAKDOWNS,
    RESULTS_COLUMNS,
    results_text,
    school_year_label,
    school_year_of,
    term_label,
)
from safereach.delivery.reach_data import Report, programme_names, report

ROLES = (Role.PARTNER, Role.COORDINATOR, Role.ANALYST)
NEVER_VISITED_SHOWN = 50
BREAKDOWN_TITLES = {
    "programme": "Programme",
    "district": "District",
    "ward": "Ward",
    "term": "Term",
    "school_year": "School year",
}


class ReachFilter(forms.Form):
    school_year = forms.TypedChoiceField(label="School year", coerce=int)
    programme = forms.ChoiceField(label="Programme", required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = [(y, school_year_label(y)) for y in years]
        self.fields["school_year"].error_messages["invalid_choice"] = "Choose a school year from the list"
        self.fields["programme"].choices = [
            ("", "All programmes"),
            *sorted(programme_names().items(), key=lambda item: item[1]),
        ]
        self.fields["programme"].error_messages["invalid_choice"] = "Choose a programme from the list"


def _years(today) -> list[int]:
    current = school_year_of(today)
    return list(range(current, current - 6, -1))


def own_for(user):
    """Which visits' counts the viewer sees exactly: their own agency's; an administrator's, all."""
    if user.has_role(Role.ADMINISTRATOR):
        return lambda v: True
    return lambda v: user.agency_id is not None and v.agency_id == user.agency_id


def _filters(request, today):
    form = ReachFilter(
        request.GET or None, years=_years(today), initial={"school_year": school_year_of(today)}
    )
    if not request.GET:
        return form, {"school_year": school_year_of(today), "programme": None}
    if form.is_valid():
        return form, {
            "school_year": form.cleaned_data["school_year"],
            "programme": form.cleaned_data["programme"] or None,
        }
    return form, None


def _agency(slug):
    return None if slug is None else get_object_or_404(Agency, slug=slug)


def _chart_rows(rows, value):
    return [
        (
            r.label,
            getattr(r, value) if r.shown else None,
            r.pupils_text if value == "pupils" else r.visits_text,
        )
        for r in rows
    ]


@role_required(*ROLES)
def reach(request, agency=None):
    agency = _agency(agency)
    today = timezone.localdate()
    form, filters = _filters(request, today)
    context = {
        "form": form,
        "agency": agency,
        "first_field": form["school_year"],
        "agencies": Agency.objects.filter(sessions__isnull=False).distinct().order_by("name"),
    }
    if filters is None:
        return render(request, "delivery/reach.html", {**context, "report": None}, status=400)
    found = report(
        school_year=filters["school_year"],
        agency=agency,
        programme=filters["programme"],
        own=own_for(request.user),
    )
    tables = found.figures.tables
    query = request.GET.urlencode()
    base = reverse("delivery:reach-agency", args=[agency.slug]) if agency else reverse("delivery:reach")
    return render(
        request,
        "delivery/reach.html",
        {
            **context,
            "report": found,
            "figures": found.figures,
            "year_label": school_year_label(found.figures.school_year),
            "programme_label": programme_names().get(filters["programme"], "")
            if filters["programme"]
            else "",
            "district_chart": charts.bars(_chart_rows(tables["district"], "pupils")),
            "term_chart": charts.line(
                [(term_label(r.label), r.pupils if r.shown else None) for r in tables["term"]]
            ),
            "never_shown": found.never_visited[:NEVER_VISITED_SHOWN],
            "results": [(r.label, list(results_text(r).values())) for r in found.figures.results],
            "results_columns": list(RESULTS_COLUMNS.values()),
            "csv_url": f"{base}export.csv" + (f"?{query}" if query else ""),
            "xlsx_url": f"{base}export.xlsx" + (f"?{query}" if query else ""),
        },
    )


def export_sheets(found: Report) -> list[tuple[str, list[str], list[list]]]:
    """The export's tables: (title, header, rows), figures as the viewer may see them."""
    fig = found.figures
    sheets = []
    for name in BREAKDOWNS:
        sheets.append(
            (
                f"By {BREAKDOWN_TITLES[name].lower()}",
                [BREAKDOWN_TITLES[name], "Code", "Visits delivered", "Pupils reached"],
                [[r.label, r.key, r.visits_text, r.pupils_text] for r in fig.tables[name]],
            )
        )
    sheets.append(
        (
            "Target schools",
            [
                "Programme",
                "Target schools (top tenth)",
                f"Reached in {school_year_label(fig.school_year)}",
                "Reached in the last three school years",
            ],
            [[s.label, s.targets, s.this_year_text, s.last_three_text] for s in fig.target_shares],
        )
    )
    sheets.append(
        (
            "Feedback and knowledge checks",
            ["Programme", "Code", *RESULTS_COLUMNS.values()],
            [[r.label, r.key, *results_text(r).values()] for r in fig.results],
        )
    )
    sheets.append(
        (
            "Never visited",
            ["URN", "School", "Phase", "District", "Ward", "In the top tenth for"],
            [
                [s["urn"], s["name"], s["phase"], s["district"], s["ward"], ", ".join(s["target_of"])]
                for s in found.never_visited
            ],
        )
    )
    return sheets


def about_rows(found: Report, user) -> list[list]:
    rows = [
        ["Reach", found.agency.name if found.agency else "Every agency"],
        [
            "Programme",
            programme_names().get(found.programme, found.programme) if found.programme else "All programmes",
        ],
        ["Period", found.period],
        ["Classification", found.classification],
        ["Made", f"{timezone.localtime():%d %B %Y %H:%M} for {user.email}"],
        [
            "Small counts",
            "Counts of 1 to 4 that include another agency's visits read 'fewer than 5'; where one "
            "count of a table is hidden, the next smallest is 'not shown'; pupils beside hidden "
            "visits are 'not shown'."
            if found.figures.suppressed
            else "None hidden.",
        ],
        [],
        ["Source", "Publisher", "Period", "Licence", "Rows", "Classification"],
    ]
    rows += [
        [s["source"], s["publisher"], s["period"], s["licence"], s["rows"], s["classification"]]
        for s in found.sources
    ]
    return rows


@role_required(*ROLES)
def reach_export(request, fmt, agency=None):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Reach exports are CSV or XLSX")
    agency = _agency(agency)
    form, filters = _filters(request, timezone.localdate())
    if filters is None:
        return HttpResponse(
            "The filters are not valid: " + "; ".join(e for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    found = report(
        school_year=filters["school_year"],
        agency=agency,
        programme=filters["programme"],
        own=own_for(request.user),
    )
    AuditEvent.objects.create(
        user=request.user,
        action=f"delivery.reach.export.{fmt}",
        target=agency.name if agency else "every agency",
        detail={"filters": request.GET.dict(), "classification": found.classification},
    )
    name = f"reach-{agency.slug if agency else 'every-agency'}-{found.figures.school_year}"
    if fmt == "csv":
        # One table, long: a row per figure of each breakdown (the XLSX has the rest).
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["breakdown", "code", "name", "visits_delivered", "pupils_reached"])
        for breakdown in BREAKDOWNS:
            for r in found.figures.tables[breakdown]:
                writer.writerow(
                    [
                        breakdown,
                        r.key,
                        r.label,
                        r.visits_text.replace(",", ""),
                        r.pupils_text.replace(",", ""),
                    ]
                )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            xlsx(found, request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def xlsx(found: Report, user) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    for row in about_rows(found, user):
        about.append(row)
    about["A1"].font = Font(bold=True)
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 60
    for title, header, rows in export_sheets(found):
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # Figures shown as numbers are numbers in the sheet; hidden ones stay words.
            sheet.append(
                [
                    int(v.replace(",", ""))
                    if isinstance(v, str) and v.replace(",", "").isdigit() and k >= 2
                    else v
                    for k, v in enumerate(row)
                ]
            )
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
