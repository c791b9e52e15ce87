"""`safereach jobs export`: one row per job of an agency, as CSV or JSON, with a case system's
column names from a mapping file; bad options are refused with a clear message."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safereach.accounts.models import AuditEvent
from safereach.bookings.models import Visit
from safereach.delivery.jobs import COLUMNS, read_mapping
from safereach.delivery.outcomes import record_outcome
from safereach.delivery.tests.factories import last_week, make_visit


def run(*args) -> str:
    out = io.StringIO()
    call_command("jobs", "export", *args, stdout=out)
    return out.getvalue()


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def jobs(county):
    """Owen's visit last week, delivered; one ahead, booked; one cancelled after it was booked;
    one only held (not a job yet); and a police visit (another agency's)."""
    delivered = make_visit(county, last_week(0), status=Visit.Status.HELD)
    delivered.confirm()
    record_outcome(
        delivered,
        county["owen"].user,
        {
            "delivered": "yes",
            "reason": "",
            "reason_other": "",
            "pupils_by_year_group": {"Year 5": 28, "Year 6": 2},
            "school_feedback": "",
            "officer_notes": "",
        },
    )
    ahead = timezone.localdate() + timedelta(days=10)
    booked = make_visit(county, ahead, hour=9, status=Visit.Status.HELD)
    booked.confirm()
    cancelled = make_visit(county, ahead, hour=13, status=Visit.Status.HELD)
    cancelled.confirm()
    cancelled.cancel()
    make_visit(county, ahead, hour=11, status=Visit.Status.HELD)
    police = make_visit(county, ahead, hour=14, school=county["other"])
    Visit.objects.filter(pk=police.pk).update(session=county["knife"])
    return {"delivered": delivered, "booked": booked, "cancelled": cancelled}


def test_csv_without_a_mapping_has_every_column_under_safereachs_names(county, jobs):
    text = run("--agency", county["fire"].slug, "--format", "csv")

    assert text.splitlines()[0] == ",".join(COLUMNS)
    got = {r["reference"]: r for r in rows(text)}
    assert set(got) == {jobs[k].reference for k in ("delivered", "booked", "cancelled")}
    done = got[jobs["delivered"].reference]
    assert (
        done["school_urn"] == "123456" and done["postcode"] == "CM1 1AA" and done["officer"] == "Owen Jones"
    )
    assert done["outcome"] == "Delivered" and done["pupils_reached"] == "30"
    assert done["pupils_by_year_group"] == "Year 5: 28; Year 6: 2"
    assert done["year_groups_booked"] == "Year 5" and done["programme"] == "Home fire safety"
    assert got[jobs["cancelled"].reference]["status"] == "cancelled"
    assert got[jobs["booked"].reference]["outcome"] == ""
    assert AuditEvent.objects.filter(action="delivery.jobs.export", detail__jobs=3).exists()


def test_since_keeps_the_jobs_changed_that_day_or_later(county, jobs):
    Visit.objects.filter(pk=jobs["booked"].pk).update(updated_at=timezone.now() - timedelta(days=30))
    since = (timezone.localdate() - timedelta(days=1)).isoformat()

    got = [r["reference"] for r in rows(run("--agency", county["fire"].slug, "--since", since))]

    assert jobs["booked"].reference not in got and jobs["delivered"].reference in got


def test_the_cfrmis_mapping_renames_orders_and_formats(county, jobs):
    mapping = read_mapping("cfrmis")
    text = run("--agency", county["fire"].name, "--mapping", "cfrmis")

    header = text.splitlines()[0].split(",")
    assert header == list(mapping.columns.values())
    assert header[:3] == ["External Ref", "Premises Ref", "Premises Name"]
    row = next(r for r in rows(text) if r["External Ref"] == jobs["booked"].reference)
    starts = timezone.localtime(jobs["booked"].starts_at)
    assert row["Planned Start"] == starts.strftime("%d/%m/%Y %H:%M")
    assert row["Premises Ref"] == "123456" and row["Assigned To"] == "Owen Jones"


def test_json_as_webhooks_send_it_or_under_a_mapping(county, jobs, tmp_path):
    plain = json.loads(run("--agency", county["fire"].slug, "--format", "json"))
    done = next(j for j in plain if j["reference"] == jobs["delivered"].reference)
    assert done["outcome"]["pupils_by_year_group"] == {"Year 5": 28, "Year 6": 2}

    own = tmp_path / "mine.toml"
    own.write_text('name = "Mine"\n[columns]\nreference = "Ref"\nschool_urn = "URN"\n')
    out = tmp_path / "jobs.json"
    call_command(
        "jobs",
        "export",
        "--agency",
        county["fire"].slug,
        "--format",
        "json",
        "--mapping",
        str(own),
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    mapped = json.loads(out.read_text())
    assert len(mapped) == 3 and set(mapped[0]) == {"Ref", "URN"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--agency", "no-such-agency"], "no agency has that slug, name or id"),
        (["--agency", "{fire}", "--since", "5 March"], "is not a date: give it as YYYY-MM-DD"),
        (["--agency", "{fire}", "--format", "xlsx"], "invalid choice: 'xlsx'"),
        (["--agency", "{fire}", "--mapping", "nowhere.toml"], "no such mapping file, nor a built-in mapping"),
        (["--agency", "{fire}", "--output", "/no/such/folder/jobs.csv"], "cannot be written"),
        ([], "--agency"),
    ],
)
def test_bad_options_are_refused_clearly(county, jobs, args, message):
    args = [a.format(fire=county["fire"].slug) for a in args]
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not AuditEvent.objects.filter(action="delivery.jobs.export").exists()


def test_a_mapping_with_mistakes_names_each_line(county, jobs, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "\n".join(
            ['name = "Bad"', 'colour = "blue"', "[columns]", 'reference = "Ref"', 'shoe_size = "Shoe"']
            + ['school_urn = "Ref"']
        )
    )

    with pytest.raises(CommandError) as refused:
        run("--agency", county["fire"].slug, "--mapping", str(bad))

    text = str(refused.value)
    assert f"{bad}:5: columns.shoe_size: not a job column" in text
    assert f"{bad}:6: columns.school_urn: 'Ref' is already the name of reference" in text
    assert f"{bad}:2: colour: not a mapping setting" in text
