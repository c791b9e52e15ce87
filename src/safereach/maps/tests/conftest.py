import datetime
import json

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def forget_kept_views():
    """Areas and hot spots are kept between requests; each test starts afresh (the root
    conftest's fresh_cache empties the shared cache, which is a database table, for every test
    that may use the database)."""
    from safereach.areas.basemap import _shape
    from safereach.maps.map_areas import _map_area

    _map_area.cache_clear()
    _shape.cache_clear()
    yield
    _map_area.cache_clear()
    _shape.cache_clear()


@pytest.fixture(autouse=True)
def quick_setup(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}


def give_reason(client, reason="Planning visits for the MACE meeting"):
    """Say why, as the page before OFFICIAL-SENSITIVE data asks (governance.gate)."""
    response = client.post("/governance/sensitive/reason/", {"reason": reason, "next": "/maps/"})
    assert response.status_code == 302


def square(easting, northing, width, height=None):
    """A BNG rectangle from its south-west corner, as WGS84 GeoJSON."""
    from safereach.areas.coordinates import to_wgs84

    height = height or width
    xs = [easting, easting + width, easting + width, easting, easting]
    ys = [northing, northing, northing + height, northing + height, northing]
    lon, lat = to_wgs84(xs, ys)
    return json.dumps({"type": "Polygon", "coordinates": [[[float(a), float(b)] for a, b in zip(lon, lat)]]})


def lonlat(e, n):
    from safereach.areas.coordinates import to_wgs84

    lon, lat = to_wgs84([e], [n])
    return float(lon[0]), float(lat[0])


X0, Y0 = 560_000, 200_000  # the south-west corner of the county, in Essex's grid space
HOT = (X0 + 3_100, Y0 + 3_100)  # where incidents pile up


@pytest.fixture
def mapped_county(db):
    """Two 6 km × 6 km districts of two wards each (each ward of two LSOAs), twelve schools, three
    months of incidents with a pile of them in one ward, vulnerable places, notices (one a child
    abduction warning notice), an officers' base, and users of each role."""
    from safereach.accounts.models import Role
    from safereach.accounts.tests.factories import make_agency, make_user
    from safereach.areas.models import Area
    from safereach.areas.tests.factories import make_area
    from safereach.evidence.models import Classification, Deprivation, Incident
    from safereach.evidence.tests.factories import make_dataset, make_notice, make_place
    from safereach.matrix.build import build, seed_programmes
    from safereach.schools.tests.factories import make_school
    from safereach.workforce.tests.factories import make_officer, make_station

    seed_programmes()
    rng = np.random.default_rng(7)
    police = make_agency("Northshire Police", kind="police")
    fire = make_agency("Northshire Fire and Rescue Service")
    charity = make_agency("Safe Lives Charity", kind="charity")
    users = {
        Role.ANALYST: make_user(Role.ANALYST, email="analyst@example.org", agency=police),
        Role.COORDINATOR: make_user(Role.COORDINATOR, email="coordinator@example.org", agency=fire),
        Role.PARTNER: make_user(Role.PARTNER, email="partner@example.org", agency=charity),
        Role.OFFICER: make_user(Role.OFFICER, email="officer@example.org", agency=fire),
    }
    boundaries = make_dataset(kind="boundaries")
    districts, wards, lsoas = [], [], []
    for d in range(2):
        x = X0 + 6_000 * d
        district = make_area(
            Area.Level.DISTRICT,
            code=f"E0700090{d}",
            name=["Northvale", "Southmere"][d],
            geometry=square(x, Y0, 6_000),
            dataset=boundaries,
            centroid_easting=x + 3000,
            centroid_northing=Y0 + 3000,
        )
        districts.append(district)
        for w in range(2):
            wy = Y0 + 3_000 * w
            ward = make_area(
                Area.Level.WARD,
                code=f"E050009{d}{w}",
                name=f"{district.name} Ward {w + 1}",
                geometry=square(x, wy, 6_000, 3_000),
                parent=district,
                district=district,
                centroid_easting=x + 3000,
                centroid_northing=wy + 1500,
            )
            wards.append(ward)
            for k in range(2):
                lx = x + 3_000 * k
                code = f"E0100{d}{w}{k}0"  # nine characters, as real LSOA codes
                lsoa = make_area(
                    Area.Level.LSOA,
                    code=code,
                    name=f"{ward.name} LSOA {k + 1}",
                    vintage=2011,
                    geometry=square(lx, wy, 3_000),
                    parent=ward,
                    district=district,
                    centroid_easting=lx + 1500,
                    centroid_northing=wy + 1500,
                )
                lsoas.append(lsoa)
                Deprivation.objects.create(
                    lsoa_code=code,
                    imd_rank=2000 + 4000 * len(lsoas),
                    imd_decile=min(10, len(lsoas)),
                    population=1500 + 100 * len(lsoas),
                )
    schools = []
    for k in range(12):
        e, n = X0 + 500 + 1000 * k, Y0 + 800 + 400 * (k % 6)
        lon, lat = lonlat(e, n)
        schools.append(
            make_school(
                urn=800_001 + k,
                name=f"School {chr(65 + k)}",
                phase="Primary",
                easting=e,
                northing=n,
                lon=lon,
                lat=lat,
                lsoa=next((a for a in lsoas if _inside_square(a, e, n)), None),
            )
        )
    crime = make_dataset(
        kind="crime",
        publisher="data.police.uk",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 1),
    )
    rows = []
    for month in (1, 2, 3):
        spots = [(HOT[0] + de, HOT[1] + dn) for de, dn in rng.normal(0, 150, (40, 2))]
        spots += [(X0 + rng.uniform(0, 12_000), Y0 + rng.uniform(0, 6_000)) for _ in range(60)]
        for i, (e, n) in enumerate(spots):
            lon, lat = lonlat(e, n)
            lsoa = next((a for a in lsoas if _inside_square(a, e, n)), None)
            rows.append(
                Incident(
                    dataset=crime,
                    source="police",
                    month=datetime.date(2024, month, 1),
                    category="Anti-social behaviour" if i % 3 else "Criminal damage and arson",
                    easting=e,
                    northing=n,
                    lon=lon,
                    lat=lat,
                    lsoa=lsoa,
                    location=f"On or near Street {i % 25}",
                )
            )
    # A lone burglary: a count of 1 somewhere, for suppression to hide.
    lon, lat = lonlat(X0 + 11_500, Y0 + 5_500)
    rows.append(
        Incident(
            dataset=crime,
            source="police",
            month=datetime.date(2024, 3, 1),
            category="Burglary",
            easting=X0 + 11_500,
            northing=Y0 + 5_500,
            lon=lon,
            lat=lat,
            lsoa=lsoas[-1],
        )
    )
    Incident.objects.bulk_create(rows)
    places = make_dataset(kind="places", publisher="Northshire Council")
    for k, (kind, de) in enumerate([("care home", 100), ("hotel", 400), ("bus station", 2500)]):
        lon, lat = lonlat(HOT[0] + de, HOT[1])
        make_place(
            places,
            kind=kind,
            name=f"{kind.title()} {k}",
            easting=HOT[0] + de,
            northing=HOT[1],
            lon=lon,
            lat=lat,
        )
    # Loaded by the police's analyst: the police provide it, and no agreement shares it.
    notices = make_dataset(
        kind="notices",
        publisher="Northshire Police",
        classification=Classification.OFFICIAL_SENSITIVE,
        loaded_by=users[Role.ANALYST],
    )
    lon, lat = lonlat(*HOT)
    make_notice(
        notices,
        kind="child abduction warning notice",
        reference="CAWN/2024/001",
        premises="Flat above 3 High Street",
        easting=HOT[0],
        northing=HOT[1],
        lon=lon,
        lat=lat,
        issued_on=datetime.date(2024, 2, 1),
    )
    open_notices = make_dataset(kind="notices", publisher="Northshire Council")
    make_notice(
        open_notices,
        kind="closure notice",
        reference="CN/2024/007",
        premises="The Old Mill",
        easting=HOT[0] + 200,
        northing=HOT[1],
        lon=lon,
        lat=lat,
        issued_on=datetime.date(2024, 3, 2),
    )
    station = make_station(
        "Northvale Fire Station",
        easting=X0 + 1000,
        northing=Y0 + 1000,
        lon=lonlat(X0 + 1000, Y0 + 1000)[0],
        lat=lonlat(X0 + 1000, Y0 + 1000)[1],
    )
    make_officer(fire, "Owen Jones", base=station)
    build()
    return {
        "users": users,
        "schools": schools,
        "districts": districts,
        "wards": wards,
        "lsoas": lsoas,
        "agencies": {"police": police, "fire": fire, "charity": charity},
        "crime": crime,
        "notices": notices,
    }


def _inside_square(area, e, n):
    return abs(e - area.centroid_easting) < 1500 and abs(n - area.centroid_northing) < 1500
