"""Importing notices and their events from CSV: all or nothing, every problem named as
path:line: column: reason, the same rules as the forms, and a second load changing nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from safereach.accounts.models import AuditEvent
from safereach.evidence.importers.base import LoadFailed
from safereach.register.importer import import_files
from safereach.register.models import NoticeEvent, RegisterNotice
from safereach.register.records import Who
from safereach.register.rules import EventKind
from safereach.register.tests.factories import fire_service, protection_officer, served
from safereach.register.tests.states import TODAY, ago

pytestmark = pytest.mark.django_db

HEADER = (
    "Notice number,Event,Date,Kind,Served on,Premises,Address,Postcode,Premises type,Compliance date,"
    "Articles,Under 18,Outcome,Recorded on,Latitude,Longitude"
)


def row(
    number,
    event,
    on,
    kind="",
    recipient="",
    premises="",
    address="",
    postcode="",
    type_="",
    compliance="",
    articles="",
    under="",
    outcome="",
    recorded="",
    lat="",
    lon="",
):
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [
            number,
            event,
            on,
            kind,
            recipient,
            premises,
            address,
            postcode,
            type_,
            compliance,
            articles,
            under,
            outcome,
            recorded,
            lat,
            lon,
        ]
    )
    return out.getvalue()


GOOD = [
    row(
        "FS/1",
        "served",
        ago(100).isoformat(),
        "Enforcement notice",
        "Crown Inns Ltd",
        "The Crown Hotel",
        "12 High Street Chelmsford",
        "cm1 1be",
        "Hotel",
        ago(30).isoformat(),
        "A9: risk assessment not suitable; A14: emergency routes obstructed",
        "no",
        "",
        ago(99).isoformat(),
        "51.74",
        "0.45",
    ),
    row("FS/1", "complied", f"{ago(25):%d/%m/%Y}", recorded=ago(22).isoformat()),
    row(
        "FS/2",
        "served",
        ago(60).isoformat(),
        "prohibition notice",
        "A. Trader",
        "",
        "3 Mill Lane",
        "",
        "Shop",
        "",
        "A14: exits locked",
        "",
        "",
        "",
    ),
    row("FS/2", "appeal lodged", ago(50).isoformat()),
    row("FS/2", "appeal decided", ago(10).isoformat(), outcome="appeal withdrawn"),
]


def write(tmp_path, *lines, name="notices.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join((header, *lines)) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def fire(register_today, districts):
    return fire_service()


def counts():
    return (RegisterNotice.objects.count(), NoticeEvent.objects.count(), AuditEvent.objects.count())


def problems_of(paths, agency):
    before = counts()
    with pytest.raises(LoadFailed) as failed:
        import_files(paths, agency, Who(name="tester"))
    assert counts() == before
    return [str(p) for p in failed.value.problems]


def test_a_file_records_notices_and_what_happened_to_them(tmp_path, fire, districts):
    outcome = import_files([write(tmp_path, *GOOD)], fire, Who(name="tester"))
    assert (outcome.notices, outcome.events, outcome.skipped) == (2, 3, 0)
    crown = RegisterNotice.objects.get(number="FS/1")
    assert (crown.kind, crown.postcode, crown.premises_type, crown.district) == (
        "enforcement",
        "CM1 1BE",
        "hotel",
        districts["Riverside"],
    )
    assert [str(a) for a in crown.article_list] == [
        "A9: risk assessment not suitable",
        "A14: emergency routes obstructed",
    ]
    events = list(crown.events.order_by("on"))
    assert [(e.kind, e.on, e.recorded_on) for e in events] == [
        ("served", ago(100), ago(99)),
        ("complied", ago(25), ago(22)),
    ]
    assert events[0].recorded_by_name == "tester"
    trader = RegisterNotice.objects.get(number="FS/2")
    assert trader.kind == "prohibition" and trader.premises_type == "shop"
    decided = trader.events.get(kind=EventKind.APPEAL_DECIDED)
    assert decided.outcome == "abandoned" and decided.recorded_on == TODAY
    assert trader.public_from == ago(9)
    audit = AuditEvent.objects.get()
    assert (audit.action, audit.actor, audit.detail["notices"], audit.detail["events"]) == (
        "register.import",
        "tester",
        2,
        3,
    )


def test_loading_the_same_file_again_changes_nothing(tmp_path, fire):
    path = write(tmp_path, *GOOD)
    import_files([path], fire, Who(name="tester"))
    before = counts()
    outcome = import_files([path], fire, Who(name="tester"))
    assert (outcome.notices, outcome.events, outcome.skipped) == (0, 0, 5)
    assert counts()[:2] == before[:2]


def test_events_are_checked_in_the_order_they_happened_not_the_order_of_the_file(tmp_path, fire):
    lines = [GOOD[4], GOOD[3], GOOD[2]]  # decided, lodged, served: backwards
    outcome = import_files([write(tmp_path, *lines)], fire, Who(name="tester"))
    assert (outcome.notices, outcome.events) == (1, 2)


def test_later_files_add_to_notices_already_recorded(tmp_path, fire):
    notice = served(fire, ago(40), number="FS/9")
    import_files([write(tmp_path, row("fs/9", "withdrawn", ago(5).isoformat()))], fire, Who(name="tester"))
    assert notice.events.filter(kind=EventKind.WITHDRAWN).exists()


def test_every_problem_is_named_and_nothing_is_written(tmp_path, fire):
    served(fire, ago(40), number="FS/9", premises_name="The Bell")
    bad = write(
        tmp_path,
        *GOOD[:3],
        row("FS/3", "served", "2026-02-30", "Enforcement", "Someone", "", "1 Road", "", "Hotel"),
        row("FS/4", "served", ago(50).isoformat(), "closure notice", "X", "", "1 Road", "", "Castle"),
        row("FS/1", "inspected", ago(5).isoformat()),
        row("FS/1", "appeal lodged", ago(10).isoformat()),
        row("FS/8", "complied", ago(5).isoformat()),
        row(
            "FS/9",
            "served",
            ago(40).isoformat(),
            "Enforcement notice",
            "Crown Inns Ltd",
            "The Swan",
            "12 High Street, Chelmsford",
            "CM1 1BE",
            "hotel",
            ago(0).isoformat(),
            "A9: risk assessment not suitable",
        ),
        row("FS/2", "appeal decided", ago(20).isoformat()),
        row(
            "FS/5",
            "served",
            ago(30).isoformat(),
            "Enforcement",
            "Y",
            "",
            "2 Road",
            "ZZZ",
            "Hotel",
            ago(10).isoformat(),
            "B7",
            "perhaps",
            recorded=ago(31).isoformat(),
        ),
        "FS/6,served",
    )
    found = problems_of([bad], fire)
    path = str(bad)
    expected = [
        f"{path}:5: Date: '2026-02-30' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        f"{path}:5: Compliance date: Enter the date by which the work must be done",
        f"{path}:5: Articles: Enter the articles breached",
        f"{path}:6: Kind: 'closure notice' is not a kind of fire-safety notice "
        "(alterations, enforcement, prohibition)",
        f"{path}:6: Premises type: 'Castle' is not a type of premises",
        f"{path}:7: Event: 'inspected' is not an event SafeReach records",
        f"{path}:8: Date: An appeal must be lodged within 21 days of service, by {ago(79):%-d %B %Y}",
        f"{path}:9: Notice number: no notice FS/8 is recorded, and this file has no served row for it",
        f"{path}:10: Notice number: notice FS/9 is already recorded with a different premises name, "
        "compliance date: correct it on its page, or make this row match",
        f"{path}:11: Outcome: is empty (one of: upheld; varied; cancelled; appeal withdrawn)",
        f"{path}:12: Recorded on: {ago(31).isoformat()} is before the event happened ({ago(30).isoformat()})",
        f"{path}:12: Postcode: 'ZZZ' is not a UK postcode",
        f"{path}:12: Under 18: 'perhaps' is not yes or no",
        f"{path}:12: Articles: “B7” is not an article",
        f"{path}:12: Compliance date: An enforcement notice gives at least 28 days to comply",
        f"{path}:13: (row): expected 16 fields, found 2",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in found), (start, found)
    assert len(found) == len(expected)


def test_a_file_without_the_columns_it_needs_is_refused(tmp_path, fire):
    path = write(tmp_path, "FS/1,served", header="Event,Kind")
    assert problems_of([path], fire) == [
        f"{path}:1: Notice number: missing column (expected one of: Notice number, Number, Reference, Ref, "
        "Notice reference; the header has: Event, Kind)",
        f"{path}:1: Date: missing column (expected one of: Date, Event date, Served, Date served, Issued, "
        "Issued on, Date issued; the header has: Event, Kind)",
    ]


def test_the_command_imports_for_a_service(tmp_path, fire, capsys):
    call_command("register", "import", str(write(tmp_path, *GOOD)), "--agency", fire.slug, "--by", "Sam")
    assert "Recorded 2 new notices and 3 events" in capsys.readouterr().out
    assert NoticeEvent.objects.filter(recorded_by_name="Sam").count() == 5
    with pytest.raises(CommandError, match="1 problem found; nothing was recorded"):
        call_command(
            "register",
            "import",
            str(write(tmp_path, row("FS/7", "complied", "soon"), name="b.csv")),
            "--agency",
            fire.slug,
        )
    with pytest.raises(CommandError, match="No agency 'nobody'"):
        call_command("register", "import", str(tmp_path / "b.csv"), "--agency", "nobody")


def test_uploading_a_file_on_the_import_page(client, fire):
    client.force_login(protection_officer(fire))
    good = SimpleUploadedFile("march.csv", "\n".join((HEADER, *GOOD)).encode(), content_type="text/csv")
    response = client.post(reverse("register:import"), {"file": good})
    assert response.status_code == 302 and response["Location"] == reverse("register:notices")
    assert "Recorded 2 new notices and 3 events" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.get().user.agency == fire


def test_an_upload_with_problems_lists_them_and_records_nothing(client, fire):
    client.force_login(protection_officer(fire))
    before = counts()
    bad = SimpleUploadedFile("april.csv", "\n".join((HEADER, row("FS/7", "complied", "soon"))).encode())
    response = client.post(reverse("register:import"), {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    message = "The file has 1 problem, listed below: nothing was recorded"
    assert f'<a href="#id_file">{message}</a>' in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert "april.csv:2: Date: &#x27;soon&#x27; is not a date" in html
    assert counts() == before
    empty = client.post(reverse("register:import"), {"file": SimpleUploadedFile("e.csv", b"")})
    assert empty.status_code == 400 and "The file is empty" in empty.content.decode()
    missing = client.post(reverse("register:import"), {})
    assert missing.status_code == 400 and "Select a CSV file to upload" in missing.content.decode()


def test_the_example_in_the_documentation_imports(tmp_path, settings, districts):
    from datetime import date
    from pathlib import Path

    settings.SAFEREACH_REGISTER = {**settings.SAFEREACH_REGISTER, "TODAY": date(2026, 7, 1)}
    text = (Path(settings.PROJECT_DIR) / "docs" / "formats.md").read_text()
    section = text[text.index("## register") :]
    example = section[
        section.index("```\nNotice number") + 4 : section.index(
            "```", section.index("```\nNotice number") + 4
        )
    ]
    path = tmp_path / "example.csv"
    path.write_text(example)
    outcome = import_files([path], fire_service(), Who(name="docs"))
    assert (outcome.notices, outcome.events) == (1, 3)
    notice = RegisterNotice.objects.get(number="FS/2026/014")
    assert notice.district == districts["Riverside"]
    assert notice.events.get(kind=EventKind.APPEAL_DECIDED).compliance_date == date(2026, 6, 30)
