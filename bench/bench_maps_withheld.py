"""The map's incident layer for a viewer from whom a dataset is withheld (its sharing agreement
has ended), beside the same requests from the dataset's provider, in the same run.

The kept counts (maps/counts.py) add every dataset together, so a viewer with an incident dataset
withheld is answered from the kept counts less the withheld dataset's own, counted from its rows
in the incidents table (then remembered like the kept counts); the provider from the kept counts
alone. Synthetic county: a 60 km × 40 km box in two districts, 500,000
police crimes and 50,000 fire incidents over 12 months (about three years of Essex's crime),
clustered round a few towns. Timed: GET /maps/layers/incidents.json for the county and for a
district, over varied month ranges and categories; the answers are checked against each other
(the provider's count less the fires equals the withheld viewer's count).
"""

import sys
import time
from datetime import date

import numpy as np

from common import report, setup_django, signed_in

CRIMES, FIRES = 500_000, 50_000
MONTHS = 12
REQUESTS = 12  # per view and viewer
X0, Y0 = 540_000, 180_000


def _month(k: int) -> date:
    return date(2025 + k // 12, k % 12 + 1, 1)


def _incidents(rng, n):
    towns = rng.uniform([X0 + 5_000, Y0 + 5_000], [X0 + 55_000, Y0 + 35_000], size=(12, 2))
    at = towns[rng.integers(0, len(towns), n)] + rng.normal(0, 2_500, (n, 2))
    return np.clip(at, [X0, Y0], [X0 + 59_999, Y0 + 39_999]).round(1), rng.integers(0, MONTHS, n)


def _write(dataset, source, categories, n, rng):
    from django.db import connection, transaction

    from safereach.evidence.models import Incident

    xy, month = _incidents(rng, n)
    names = np.array(categories)[rng.integers(0, len(categories), n)]
    sql = (
        f"INSERT INTO {Incident._meta.db_table} (dataset_id, source, category, month, reference, easting, "
        "northing, location, reported_lsoa_code, outcome, property_type, reported_by) "
        "VALUES (%s, %s, %s, %s, '', %s, %s, '', '', '', '', '')"
    )
    months = [_month(int(m)).isoformat() for m in month]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            sql, list(zip([dataset.pk] * n, [source] * n, names.tolist(), months, xy[:, 0].tolist(),
                          xy[:, 1].tolist()))
        )


def main() -> None:
    setup_django()

    from safereach.accounts.models import Agency, Role, User
    from safereach.areas.coordinates import to_wgs84
    from safereach.areas.models import Area
    from safereach.evidence.models import Dataset
    from safereach.governance.models import LegalBasis, SharingAgreement
    from safereach.maps import counts

    rng = np.random.default_rng(16)
    police = Agency.objects.create(name="Bench Police", kind="police", slug="bench-police")
    fire = Agency.objects.create(name="Bench Fire and Rescue Service", kind="fire_rescue", slug="bench-fire")
    analyst = User.objects.create_user(email="analyst@example.org", password=None, roles=[Role.ANALYST],
                                       agency=police)
    coordinator = User.objects.create_user(email="coordinator@example.org", password=None,
                                           roles=[Role.ANALYST], agency=fire)
    crime = Dataset.objects.create(kind="crime", name="Bench crime", source_file="crime.csv",
                                   row_count=CRIMES, checksum="bench-crime", loaded_by=analyst)
    fires = Dataset.objects.create(kind="fire-incidents", name="Bench fires", source_file="fires.csv",
                                   row_count=FIRES, checksum="bench-fires", loaded_by=coordinator)
    _write(crime, "police", ["Anti-social behaviour", "Burglary", "Criminal damage and arson",
                             "Violence and sexual offences"], CRIMES, rng)
    _write(fires, "fire", ["Dwelling fire", "Deliberate secondary fire"], FIRES, rng)
    agreement = SharingAgreement.objects.create(
        title="Bench fires", provider=fire, purpose="Bench", legal_basis=LegalBasis.PUBLIC_TASK,
        starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31), review_on=date(2025, 6, 30))
    agreement.parties.set([police])
    agreement.datasets.set([fires])
    for k in range(2):
        e = [X0 + 30_000 * k, X0 + 30_000 * (k + 1), X0 + 30_000 * (k + 1), X0 + 30_000 * k, X0 + 30_000 * k]
        n = [Y0, Y0, Y0 + 40_000, Y0 + 40_000, Y0]
        lon, lat = to_wgs84(e, n)
        ring = ", ".join(f"[{a:.6f}, {b:.6f}]" for a, b in zip(lon, lat))
        Area.objects.create(code=f"E0799980{k}", name=f"Bench district {k + 1}", level=Area.Level.DISTRICT,
                            geometry='{"type": "Polygon", "coordinates": [[' + ring + "]]}",
                            centroid_easting=X0 + 30_000 * k + 15_000, centroid_northing=Y0 + 20_000)
    counts.ensure_fresh()

    # What both may ask for: the withheld viewer is not even offered the fires' categories.
    categories = ["", "police:", "police:Burglary"]
    queries = []
    for _ in range(REQUESTS):
        length = int(rng.integers(1, MONTHS + 1))
        start = int(rng.integers(0, MONTHS - length + 1))
        category = categories[int(rng.integers(0, len(categories)))]
        span = f"start={_month(start):%Y-%m}&end={_month(start + length - 1):%Y-%m}"
        queries.append(f"{span}&category={category}")
    figures, lines = {}, []
    # Each signed in once: an authenticator's code is good once only.
    clients = {name: signed_in(user, HTTP_HOST="localhost")
               for name, user in (("provider", coordinator), ("withheld", analyst))}
    for view, area in (("county", ""), ("district", "E07999800")):
        timings = {}
        totals = {}
        for name, client in clients.items():
            client.get(f"/maps/layers/incidents.json?area={area}")  # the view's cells, kept after the first
            fires = client.get(f"/maps/layers/incidents.json?area={area}&category=fire:")
            assert fires.status_code == (400 if name == "withheld" else 200), fires.content[:300]
            seconds, total = [], []
            for q in queries:
                began = time.perf_counter()
                response = client.get(f"/maps/layers/incidents.json?area={area}&{q}&map=1")
                seconds.append(time.perf_counter() - began)
                assert response.status_code == 200, response.content[:300]
                total.append(sum(f["properties"]["incidents_n"] for f in response.json()["features"]))
            timings[name], totals[name] = np.asarray(seconds) * 1000, total
        for q, mine, theirs in zip(queries, totals["provider"], totals["withheld"]):
            assert theirs <= mine
            if "police" in q:
                assert theirs == mine, q  # the crimes are the same either way
        figures[view] = {
            "provider_p50_ms": round(float(np.median(timings["provider"])), 1),
            "withheld_p50_ms": round(float(np.median(timings["withheld"])), 1),
            "withheld_p95_ms": round(float(np.percentile(timings["withheld"], 95)), 1),
            "ratio_withheld_to_provider": round(float(np.median(timings["withheld"]) /
                                                      np.median(timings["provider"])), 1),
            "requests": REQUESTS,
        }
        f = figures[view]
        lines.append(
            f"{view}: provider (kept counts) median {f['provider_p50_ms']} ms; viewer with the fires "
            f"withheld (kept counts less the fires) median {f['withheld_p50_ms']} ms, "
            f"p95 {f['withheld_p95_ms']} ms: {f['ratio_withheld_to_provider']}x"
        )
    figures["incidents"] = CRIMES + FIRES
    report("maps_withheld", figures, lines)


if __name__ == "__main__":
    sys.exit(main())
