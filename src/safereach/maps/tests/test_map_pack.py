"""The map pack: built from the command line and from its page, in the background."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from safereach.accounts.models import AuditEvent, Role
from safereach.maps.access import Viewer
from safereach.maps.mappack.build import build_map_pack
from safereach.maps.models import MapPackRun
from safereach.maps.tests.conftest import give_reason

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2024, 3, 1)


def _text(pdf: bytes) -> str:
    """The words of a PDF, as pdftotext reads them."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_a_district_pack_has_a_cover_an_overview_and_a_page_per_ward_with_hot_spots(mapped_county):
    pack = build_map_pack("E07000900", MARCH, Viewer.analyst())
    assert pack.pdf.startswith(b"%PDF")
    text = _text(pack.pdf)
    assert "Map pack for the multi-agency meeting" in text and "Northvale, March 2024" in text
    assert "Police crime: 2024-01 to 2024-03" in text
    assert "Overview: Northvale" in text
    assert "Northvale Ward 2 (E05000901)" in text  # the ward with the pile of incidents
    assert "Child abduction" in text and "CAWN/" in text  # the analysts' pack holds the notice
    assert pack.classification == "OFFICIAL-SENSITIVE"
    assert text.count("snap points") >= pack.pages  # the caveat in every page's footer
    assert text.count("OFFICIAL-SENSITIVE") >= pack.pages
    assert pack.pages >= 3


def test_the_shared_pack_leaves_out_cawns_and_small_counts(mapped_county):
    pack = build_map_pack("county", MARCH, Viewer.everyone())
    text = _text(pack.pdf)
    assert "CAWN" not in text and "CN/2024/007" in text
    assert pack.classification == "OFFICIAL"
    assert "fewer than 5" in text


def test_the_command_writes_the_pdf(mapped_county, tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    call_command("mappack", "--area", "E07000900", "--month", "2024-03", "--out", str(out), verbosity=0)
    assert out.read_bytes().startswith(b"%PDF")
    assert "pages, OFFICIAL-SENSITIVE" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--area", "E07000900", "--month", "2024-3x"], "'2024-3x' is not a month"),
        (["--area", "E07999999", "--month", "2024-03"], "No district or ward with the code E07999999"),
        (["--area", "E07000900", "--month", "2023-03"], "There are no incidents in Northvale in March 2023"),
    ],
)
def test_the_command_says_what_is_wrong(mapped_county, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("mappack", *args, "--out", str(tmp_path / "pack.pdf"), verbosity=0)
    assert not (tmp_path / "pack.pdf").exists()


def test_the_page_builds_a_pack_in_the_background(client, mapped_county):
    analyst = mapped_county["users"][Role.ANALYST]
    client.force_login(analyst)
    # The analyst's pack would hold the police's OFFICIAL-SENSITIVE notices: the page asks why first.
    asked = client.get("/maps/pack/")
    assert asked.url == "/governance/sensitive/reason/?next=%2Fmaps%2Fpack%2F"
    client.post("/governance/sensitive/reason/", {"reason": "MACE meeting", "next": "/maps/pack/"})
    assert "Build the map pack" in client.get("/maps/pack/").content.decode()
    response = client.post("/maps/pack/", {"area": "E07000900", "month": "2024-03"})
    run = MapPackRun.objects.get()
    assert response.url == f"/maps/pack/{run.pk}/"
    assert run.state == MapPackRun.State.DONE and run.pages >= 3 and run.sensitive and not run.shared
    assert client.get(f"/maps/pack/{run.pk}/progress/").json()["finished"]
    page = client.get(response.url).content.decode()
    assert "Map pack ready" in page
    pdf = client.get(f"/maps/pack/{run.pk}/map-pack.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="maps.pack.download", user=analyst).exists()
    export = AuditEvent.objects.get(action="sensitive.export", user=analyst)
    assert export.detail["reason"] == "MACE meeting" and export.target == f"map pack {run.file_name}"
    # Another person's pack is not theirs to see.
    client.force_login(mapped_county["users"][Role.COORDINATOR])
    assert client.get(f"/maps/pack/{run.pk}/").status_code == 404


def test_a_coordinators_pack_leaves_out_cawns(client, mapped_county):
    client.force_login(mapped_county["users"][Role.COORDINATOR])
    client.post("/maps/pack/", {"area": "E07000900", "month": "2024-03"})
    run = MapPackRun.objects.get()
    assert not run.sensitive and run.classification == "OFFICIAL"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"area": "E07000900", "month": ""}, "Enter the month the map pack is for, for example 2024-03"),
        ({"area": "E07000900", "month": "March"}, "Enter the month of the meeting as a year and month"),
        ({"area": "nowhere", "month": "2024-03"}, "Choose an area from the list"),
    ],
)
def test_bad_answers_on_the_page_change_nothing(client, mapped_county, data, message):
    client.force_login(mapped_county["users"][Role.ANALYST])
    give_reason(client)
    response = client.post("/maps/pack/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert f'value="{data["month"]}"' in page  # what was typed is kept
    assert not MapPackRun.objects.exists()


def test_a_month_without_incidents_fails_with_a_reason(client, mapped_county):
    client.force_login(mapped_county["users"][Role.ANALYST])
    give_reason(client)
    client.post("/maps/pack/", {"area": "E07000900", "month": "2023-03"})
    run = MapPackRun.objects.get()
    assert run.state == MapPackRun.State.FAILED
    assert run.error == "The map pack could not be built: there are no incidents in Northvale in March 2023."


def test_partners_cannot_build_packs(client, mapped_county):
    client.force_login(mapped_county["users"][Role.PARTNER])
    assert client.get("/maps/pack/").status_code == 403
