"""The map obeys the sharing agreements (governance.access): a dataset whose agreement has ended
is withheld from other agencies' layers, tables, exports, proximity tables and map packs while
its provider still sees it; OFFICIAL-SENSITIVE points ask for a reason and every view and export
of them is audited."""

import csv
import datetime
import io
import json

import pytest

from safereach.accounts.models import AuditEvent, Role
from safereach.evidence.models import Classification, Dataset, Incident
from safereach.evidence.tests.factories import make_dataset, make_place
from safereach.governance.tests.factories import make_agreement
from safereach.maps.access import Viewer
from safereach.maps.counts import Category, cell_counts, ensure_fresh, lsoa_counts
from safereach.maps.tests.conftest import HOT, X0, Y0, give_reason, lonlat

pytestmark = pytest.mark.django_db

Q = "?start=2024-01&end=2024-03&chosen=1"
FIRES = 30
ENDED = datetime.date(2026, 6, 30)  # before the fixed today, 16 November 2026


@pytest.fixture
def fires(mapped_county):
    """Dwelling fires the fire service loaded and shared with the police and the charity under
    an agreement that ended in June."""
    users, agencies = mapped_county["users"], mapped_county["agencies"]
    dataset = make_dataset(kind="fire-incidents", publisher="Northshire Fire and Rescue Service",
                           loaded_by=users[Role.COORDINATOR])
    lsoa = mapped_county["lsoas"][1]  # Northvale Ward 1 LSOA 2
    e, n = X0 + 4_000, Y0 + 1_000
    lon, lat = lonlat(e, n)
    Incident.objects.bulk_create(
        Incident(dataset=dataset, source="fire", category="Dwelling fire", month=datetime.date(2024, 3, 1),
                 easting=e + k, northing=n, lon=lon, lat=lat, lsoa=lsoa, location="Mill Lane")
        for k in range(FIRES)
    )
    agreement = make_agreement(agencies["fire"], [agencies["police"], agencies["charity"]], [dataset],
                               title="Fire incidents for school safety", starts_on=datetime.date(2024, 1, 1),
                               ends_on=ENDED, review_on=datetime.date(2026, 3, 31))
    ensure_fresh()
    return {"dataset": dataset, "agreement": agreement, "lsoa": lsoa}


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response


def _incidents_in(features) -> int:
    return sum(f["properties"]["incidents_n"] or 0 for f in features)


def test_an_ended_agreement_hides_the_fires_from_the_police_but_not_from_the_fire_service(
    client, mapped_county, fires
):
    users = mapped_county["users"]
    crimes = Incident.objects.filter(source="police").count()
    analyst, coordinator = users[Role.ANALYST], users[Role.COORDINATOR]
    for layer in ("incidents", "hotspots", "rates"):
        police = _get(client, analyst, f"/maps/layers/{layer}.json{Q}").json()
        fire = _get(client, coordinator, f"/maps/layers/{layer}.json{Q}").json()
        assert _incidents_in(police["features"]) == crimes, layer
        assert _incidents_in(fire["features"]) == crimes + FIRES, layer
        assert "not in force for your agency" in police["withheld"] and not fire["withheld"], layer
    # Street points: the fire service sees its fires on Mill Lane, the police do not.
    street = f"/maps/layers/street.json{Q}&area=E07000900"
    assert "Mill Lane" in _get(client, coordinator, street).content.decode()
    assert "Mill Lane" not in _get(client, analyst, street).content.decode()
    # Nor are they among the incidents to follow up, nor can their schools be asked for.
    page = _get(client, analyst, f"/maps/{Q}&area=E07000900")
    assert "Mill Lane" not in page.content.decode()
    assert "Dwelling fire" not in page.content.decode()  # not even among the categories to choose
    assert "Dwelling fire" in _get(client, coordinator, f"/maps/{Q}").content.decode()
    client.force_login(analyst)
    assert "not in force for your agency" in page.content.decode()
    fire_incident = Incident.objects.filter(dataset=fires["dataset"]).first()
    assert client.get(f"/maps/incidents/{fire_incident.pk}/schools/{Q}").status_code == 404
    client.force_login(coordinator)
    assert client.get(f"/maps/incidents/{fire_incident.pk}/schools/{Q}").status_code == 200


def test_tables_and_exports_leave_the_withheld_fires_out_and_say_so(client, mapped_county, fires):
    analyst = mapped_county["users"][Role.ANALYST]
    crimes = Incident.objects.filter(source="police").count()
    table = _get(client, analyst, f"/maps/tables/rates/{Q}").content.decode()
    assert "not in force for your agency" in table
    exported = _get(client, analyst, f"/maps/tables/rates.csv{Q}").content.decode()
    assert "# withheld: Some data behind this layer is not shown" in exported
    assert "Northshire Fire and Rescue Service" not in exported  # nor named among the sources
    rows = list(csv.DictReader(line for line in io.StringIO(exported) if not line.startswith("#")))
    assert sum(int(r["Incidents"].replace(",", "")) for r in rows) == crimes
    geojson = json.loads(_get(client, analyst, f"/maps/tables/incidents.geojson{Q}").content)
    assert sum(f["properties"]["incidents_n"] for f in geojson["features"]) == crimes
    assert geojson["metadata"]["withheld"]
    changes = _get(client, analyst, f"/maps/tables/changes.csv{Q}&start=2024-03&end=2024-03").content
    assert b"withheld" in changes
    # The fire service's own export counts them.
    client.force_login(mapped_county["users"][Role.COORDINATOR])
    mine = json.loads(client.get(f"/maps/tables/incidents.geojson{Q}").content)
    assert sum(f["properties"]["incidents_n"] for f in mine["features"]) == crimes + FIRES
    assert "withheld" not in mine["metadata"]


def test_a_month_only_the_withheld_dataset_holds_is_not_among_the_months_loaded(client, mapped_county, fires):
    from safereach.maps.counts import months_present

    april = datetime.date(2024, 4, 1)
    lon, lat = lonlat(X0 + 4_000, Y0 + 1_000)
    Incident.objects.create(dataset=fires["dataset"], source="fire", category="Dwelling fire", month=april,
                            easting=X0 + 4_000, northing=Y0 + 1_000, lon=lon, lat=lat, lsoa=fires["lsoa"])
    ensure_fresh()
    assert april in months_present() and april not in months_present({fires["dataset"].pk})
    query = "?start=2024-04&end=2024-04&chosen=1"
    client.force_login(mapped_county["users"][Role.ANALYST])
    changes = client.get(f"/maps/tables/changes/{query}").content.decode()
    assert "No incidents are loaded for 2024-04" in changes
    client.force_login(mapped_county["users"][Role.COORDINATOR])
    mine = client.get(f"/maps/tables/changes/{query}").content.decode()
    assert "No incidents are loaded for 2024-04" not in mine


def test_renewing_the_agreement_shows_the_fires_again(client, mapped_county, fires):
    analyst = mapped_county["users"][Role.ANALYST]
    crimes = Incident.objects.filter(source="police").count()
    fires["agreement"].ends_on = datetime.date(2027, 6, 30)
    fires["agreement"].save()
    layer = _get(client, analyst, f"/maps/layers/incidents.json{Q}").json()
    assert _incidents_in(layer["features"]) == crimes + FIRES and not layer["withheld"]


def test_counts_without_a_dataset_agree_with_the_kept_counts_of_what_is_left(mapped_county, fires):
    """Everything but the fires is the police's crime: counting without the fires from the
    incidents table gives what the kept counts give for police crime."""
    first, last = datetime.date(2024, 1, 1), datetime.date(2024, 3, 1)
    box = ((X0 // 250) - 1, (X0 + 12_000) // 250 + 1), ((Y0 // 250) - 1, (Y0 + 6_000) // 250 + 1)
    without = {fires["dataset"].pk}
    assert cell_counts(250, first, last, Category(), *box, without=without) == cell_counts(
        250, first, last, Category("police"), *box)
    assert lsoa_counts(first, last, Category(), without) == lsoa_counts(first, last, Category("police"))
    assert lsoa_counts(first, last, Category())[fires["lsoa"].pk] == (
        lsoa_counts(first, last, Category("police")).get(fires["lsoa"].pk, 0) + FIRES)


def test_the_map_pack_leaves_the_fires_out_for_the_police(mapped_county, fires):
    from safereach.maps.mappack.build import build_map_pack
    from safereach.maps.tests.test_map_pack import _text

    users = mapped_county["users"]
    march = datetime.date(2024, 3, 1)
    police = _text(build_map_pack("E07000900", march, Viewer.of(users[Role.ANALYST])).pdf)
    fire = _text(build_map_pack("E07000900", march, Viewer.of(users[Role.COORDINATOR])).pdf)
    assert "Fire incidents: 2024-03" in fire and "Dwelling fire" in fire
    assert "Fire incidents" not in police and "Dwelling fire" not in police
    assert "not in force for your agency" in " ".join(police.split())


def test_a_pack_asked_for_by_the_police_is_built_without_the_fires(client, mapped_county, fires):
    from safereach.maps.models import MapPackRun
    from safereach.maps.tests.test_map_pack import _text

    client.force_login(mapped_county["users"][Role.ANALYST])
    give_reason(client)
    client.post("/maps/pack/", {"area": "E07000900", "month": "2024-03"})
    run = MapPackRun.objects.get()
    assert run.state == MapPackRun.State.DONE, run.error
    text = _text(client.get(f"/maps/pack/{run.pk}/map-pack.pdf").content)
    assert "Dwelling fire" not in text and "CAWN/" in text


def test_a_pack_built_before_the_agreement_ended_is_no_longer_downloaded(client, mapped_county, fires):
    from safereach.maps.models import MapPackRun

    fires["agreement"].ends_on = datetime.date(2027, 6, 30)
    fires["agreement"].save()
    client.force_login(mapped_county["users"][Role.ANALYST])
    give_reason(client)
    client.post("/maps/pack/", {"area": "E07000900", "month": "2024-03"})
    run = MapPackRun.objects.get()
    assert client.get(f"/maps/pack/{run.pk}/map-pack.pdf").status_code == 200  # in force: it holds the fires
    # Loaded in September, the pack built on 1 October; the agreement ended on 31 October.
    september, october = (datetime.datetime(2026, m, 1, tzinfo=datetime.UTC) for m in (9, 10))
    Dataset.objects.filter(pk=fires["dataset"].pk).update(loaded_at=september)
    MapPackRun.objects.filter(pk=run.pk).update(finished_at=october)
    fires["agreement"].ends_on = datetime.date(2026, 10, 31)
    fires["agreement"].save()
    refused = client.get(f"/maps/pack/{run.pk}/map-pack.pdf")
    assert refused.status_code == 410 and "can no longer be downloaded" in refused.content.decode()
    page = client.get(f"/maps/pack/{run.pk}/").content.decode()
    assert "can no longer be downloaded" in page and "Download the map pack (PDF)" not in page


# ------------------------------------------------------------------ OFFICIAL-SENSITIVE points


@pytest.fixture
def refuges(mapped_county):
    """A refuge the police mark OFFICIAL-SENSITIVE, shared with the fire service's coordinators."""
    users, agencies = mapped_county["users"], mapped_county["agencies"]
    dataset = make_dataset(kind="places", publisher="Northshire Police", loaded_by=users[Role.ANALYST],
                           classification=Classification.OFFICIAL_SENSITIVE)
    lon, lat = lonlat(HOT[0] + 50, HOT[1])
    make_place(dataset, kind="refuge", name="Harbour House", easting=HOT[0] + 50, northing=HOT[1],
               lon=lon, lat=lat)
    make_agreement(agencies["police"], [agencies["fire"], agencies["charity"]], [dataset],
                   title="Refuges for fire safety visits", sensitive_roles=[Role.COORDINATOR])
    return dataset


def test_a_sensitive_layer_asks_for_a_reason_and_audits_every_view_and_export(client, mapped_county, refuges):
    coordinator = mapped_county["users"][Role.COORDINATOR]
    client.force_login(coordinator)
    assert client.get(f"/maps/layers/places.json{Q}").status_code == 403
    asked = client.get(f"/maps/{Q}&layers=places")
    assert asked.status_code == 302 and asked.url.startswith("/governance/sensitive/reason/")
    assert client.get(f"/maps/tables/places.csv{Q}").url.startswith("/governance/sensitive/reason/")
    assert client.get(f"/maps/tables/near-hot-spots/{Q}").url.startswith("/governance/sensitive/reason/")
    assert not AuditEvent.objects.filter(action__startswith="sensitive.").exists()

    give_reason(client, "Fire safety visits near the refuge")
    assert client.get(f"/maps/{Q}&layers=places").status_code == 200
    assert "Harbour House" in client.get(f"/maps/layers/places.json{Q}").content.decode()
    assert "Harbour House" in client.get(f"/maps/tables/near-hot-spots/{Q}").content.decode()
    exported = client.get(f"/maps/tables/places.csv{Q}").content.decode()
    assert "Harbour House" in exported and "# classification: OFFICIAL-SENSITIVE" in exported
    events = AuditEvent.objects.filter(action__startswith="sensitive.", user=coordinator)
    assert {(e.action, e.target) for e in events} >= {
        ("sensitive.view", "map: places near hot spots"),
        ("sensitive.view", "map layer places"),
        ("sensitive.view", "map table near-hot-spots"),
        ("sensitive.export", "map csv export places"),
    }
    assert all(e.detail["reason"] == "Fire safety visits near the refuge" for e in events)
    assert all(e.detail["datasets"] == [f"{refuges.pk}: {refuges.name}"] for e in events)


def test_a_sensitive_layer_is_not_shown_to_roles_the_agreement_does_not_name(client, mapped_county, refuges):
    client.force_login(mapped_county["users"][Role.PARTNER])  # a party, but not a named role
    layer = client.get(f"/maps/layers/places.json{Q}")
    assert layer.status_code == 200 and "Harbour House" not in layer.content.decode()
    assert "Harbour House" not in client.get(f"/maps/tables/places.csv{Q}").content.decode()
    assert "not shared with your role" in layer.json()["withheld"]
    assert not AuditEvent.objects.filter(action__startswith="sensitive.").exists()


def test_the_map_takes_away_exactly_what_is_withheld(mapped_county, fires):
    """Counts without a dataset (the kept counts less the withheld dataset's own) equal counting
    what is left in the incidents table, for cells in any order and any months; and the
    remembered counts follow when the withheld dataset changes."""
    import numpy as np

    from safereach.maps.counts import counts_in_cells, naive_cell_counts

    ensure_fresh()
    without = {fires["dataset"].pk}
    c0, c1, r0, r1 = (X0 // 250) - 1, (X0 + 12_000) // 250 + 1, (Y0 // 250) - 1, (Y0 + 6_000) // 250 + 1
    cols, rows = np.meshgrid(np.arange(c0, c1 + 1), np.arange(r0, r1 + 1))
    order = np.random.default_rng(3).permutation(cols.size)
    cols, rows = cols.ravel()[order], rows.ravel()[order]
    months = [(datetime.date(2024, 1, 1), datetime.date(2024, 3, 1)), (datetime.date(2024, 2, 1),) * 2]
    for category in (Category(), Category("fire"), Category("police")):
        for first, last in months:
            found = counts_in_cells(250, cols, rows, first, last, category, without)
            naive = naive_cell_counts(250, first, last, category, (c0, c1), (r0, r1), without)
            assert found.tolist() == [naive.get((c, r), 0) for c, r in zip(cols.tolist(), rows.tolist())]
    everything = counts_in_cells(250, cols, rows, *months[0], Category("fire"))
    assert everything.sum() == FIRES
    assert counts_in_cells(250, cols, rows, *months[0], Category("fire"), without).sum() == 0
    # Another load of fires, shared: remembered counts follow it at once.
    more = make_dataset(kind="fire-incidents", publisher="Northshire Fire and Rescue Service")
    Incident.objects.bulk_create(
        Incident(dataset=more, source="fire", category="Dwelling fire", month=datetime.date(2024, 2, 1),
                 easting=X0 + 4_000 + k, northing=Y0 + 1_000)
        for k in range(3)
    )
    ensure_fresh()
    assert counts_in_cells(250, cols, rows, *months[0], Category("fire")).sum() == FIRES + 3
    assert counts_in_cells(250, cols, rows, *months[0], Category("fire"), without).sum() == 3
    assert counts_in_cells(250, cols, rows, *months[1], Category("fire"), without).sum() == 3
