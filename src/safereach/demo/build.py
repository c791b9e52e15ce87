"""Writes the demo county into the database, replacing any earlier demo and nothing else.

Demo rows are the fictional ones: `is_fictional` on agencies, areas, schools, stations, officers
and datasets; rows that hang off a fictional dataset (incidents, places, notices, deprivation);
and users whose email is at the demo domain. Real data is never touched, except that a real
user who was put in a demo agency loses that agency when the demo goes.

The demo's sessions, term dates, bookings and visits (demo.bookings) and the outcomes of its
past visits (demo.outcomes) are cleared before the county's rows go and added once the new
county is written, inside the same transaction as the rebuild. No app knows the demo exists.
"""

from datetime import time

from django.contrib.auth.hashers import make_password
from django.db import connections, router, transaction
from django.db.models import Q

from safereach.accounts.models import Agency, User
from safereach.areas.models import Area
from safereach.demo import bookings, history, outcomes, school_contacts, schools_side
from safereach.demo.agreements import add_demo_agreements, clear_demo_agreements
from safereach.demo.county import DemoCounty
from safereach.demo.partners import CHARITY, COUNCIL, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, FIRE, POLICE
from safereach.demo.register import add_demo_register, clear_demo_register
from safereach.evidence.models import AreaRate, Dataset, Deprivation, Incident, Notice, Place
from safereach.matrix.build import seed_programmes
from safereach.matrix.models import Programme
from safereach.schools.models import School
from safereach.workforce.models import Officer, Station

BATCH = 1000
LOADED_BY = "safereach demo"



def demo_users():
    return User.objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")


def clear_demo(keep_areas: bool = False) -> None:
    """Delete every demo row; leave real data as it was.

    `keep_areas` leaves the demo's areas for `write_demo` to update in place: incidents do not
    index their LSOA link (imports are faster without), so on PostgreSQL deleting an area
    that tens of thousands of incidents once pointed at costs a scan of the incidents for
    each area when the transaction commits.
    """
    outcomes.clear_demo_outcomes()
    bookings.clear_demo_bookings()
    clear_demo_register()
    clear_demo_agreements()
    fictional = Dataset.objects.filter(is_fictional=True)
    Incident.objects.filter(dataset__in=fictional).delete()
    Place.objects.filter(dataset__in=fictional).delete()
    Notice.objects.filter(dataset__in=fictional).delete()
    AreaRate.objects.filter(dataset__in=fictional).delete()
    fictional_lsoas = Area.objects.filter(is_fictional=True, level=Area.Level.LSOA)
    Deprivation.objects.filter(
        Q(dataset__in=fictional) | Q(lsoa_code__in=fictional_lsoas.values("code"))).delete()
    School.objects.filter(is_fictional=True).delete()
    Officer.objects.filter(is_fictional=True).delete()
    demo_users().delete()
    User.objects.filter(agency__is_fictional=True).update(agency=None)
    Station.objects.filter(is_fictional=True).delete()
    if not keep_areas:
        _delete_areas(Area.objects.filter(is_fictional=True))
    Agency.objects.filter(is_fictional=True).delete()
    fictional.delete()


def write_demo(county: DemoCounty) -> dict[str, int]:
    """Write `county`; returns how many rows of each kind were written."""
    datasets = {
        kind: Dataset.objects.create(**meta, is_fictional=True, loaded_by_name=LOADED_BY)
        for kind, meta in county.datasets.items()
    }
    area_ids = _write_areas(county.areas, datasets["boundaries"])
    Deprivation.objects.bulk_create(
        [Deprivation(**row, dataset=datasets["deprivation"]) for row in county.deprivation],
        batch_size=BATCH)
    School.objects.bulk_create(
        [School(**_with_lsoa(row, area_ids), is_fictional=True, dataset=datasets["schools"])
         for row in county.schools], batch_size=BATCH)
    crime, fire = datasets["crime"].pk, datasets["fire-incidents"].pk
    _insert_many(Incident, [
        {**_with_lsoa(row, area_ids), "dataset_id": crime if row["source"] == "police" else fire}
        for row in county.incidents])
    Place.objects.bulk_create(
        [Place(**_with_lsoa(row, area_ids), dataset=datasets["places"]) for row in county.places],
        batch_size=BATCH)
    Notice.objects.bulk_create(
        [Notice(**_with_lsoa(row, area_ids), dataset=datasets["notices"])
         for row in county.notices], batch_size=BATCH)
    AreaRate.objects.bulk_create(
        [AreaRate(**row, dataset=datasets["area-rates"]) for row in county.area_rates],
        batch_size=BATCH)

    agencies = {}
    for row in county.agencies:
        agencies[row["slug"]] = Agency.objects.create(**row, is_fictional=True)
    stations = {}
    for row in county.stations:
        fields = {k: v for k, v in _with_lsoa(row, area_ids).items() if k != "agency_slug"}
        stations[row["name"]] = Station(**fields, is_fictional=True, dataset=datasets["stations"])
    Station.objects.bulk_create(stations.values(), batch_size=BATCH)
    stations = {s.name: s for s in Station.objects.filter(is_fictional=True)}

    hashed = make_password(DEMO_PASSWORD)  # one hash for all: hashing is slow by design
    users = {}
    for row in county.users:
        user = User(email=row["email"], first_name=row["first_name"], last_name=row["last_name"],
                    roles=row["roles"], agency=agencies[row["agency_slug"]], password=hashed)
        user.save()  # save() keeps is_staff in step with the administrator role
        if row["officer_name"]:
            users[row["officer_name"]] = user
    Officer.objects.bulk_create([
        Officer(agency=agencies[row["agency_slug"]], user=users.get(row["name"]), name=row["name"],
                base=stations[row["base_name"]], working_days=row["working_days"],
                day_starts=time.fromisoformat(row["day_starts"]),
                day_ends=time.fromisoformat(row["day_ends"]),
                max_visits_per_day=row["max_visits_per_day"], is_fictional=True)
        for row in county.officers], batch_size=BATCH)

    _link_programmes(agencies)
    added = bookings.add_demo_bookings(county, agencies)
    added.update(school_contacts.add_demo_school_contacts(county, agencies))
    added.update(outcomes.add_demo_outcomes(county, agencies))
    added.update(history.add_demo_history(county, agencies))
    added.update(schools_side.add_demo_schools_side(county, agencies))
    added.update(add_demo_register(county, agencies))
    added.update(add_demo_agreements(agencies))
    return {
        **added,
        "districts": sum(a["level"] == "district" for a in county.areas),
        "wards": sum(a["level"] == "ward" for a in county.areas),
        "lsoas": sum(a["level"] == "lsoa" for a in county.areas),
        "deprivation": len(county.deprivation),
        "schools": len(county.schools),
        "police incidents": datasets["crime"].row_count,
        "fire incidents": datasets["fire-incidents"].row_count,
        "vulnerable places": len(county.places),
        "notices": len(county.notices),
        "area rates": len(county.area_rates),
        "agencies": len(agencies),
        "stations": len(stations),
        "officers": len(county.officers),
        "users": len(county.users),
    }


# Which demo partner delivers which programme, so each sees its own target lists.
DEMO_PROGRAMMES = {
    FIRE: ["home-fire-safety", "arson", "hoax-calls"],
    POLICE: ["knife-crime", "asb", "exploitation"],
    COUNCIL: ["asb"],
    CHARITY: ["knife-crime", "exploitation"],
}


def _link_programmes(agencies: dict) -> None:
    seed_programmes()  # the migrations made them; a database flushed since has none
    for slug, programmes in DEMO_PROGRAMMES.items():
        for programme in Programme.objects.filter(slug__in=programmes):
            programme.agencies.add(agencies[slug])


def rebuild_demo(county: DemoCounty) -> dict[str, int]:
    """Replace any earlier demo with `county`, all at once or not at all."""
    with transaction.atomic():
        clear_demo(keep_areas=True)
        return write_demo(county)


AREA_FIELDS = ["name", "level", "vintage", "parent", "district", "geometry", "min_lon", "min_lat",
               "max_lon", "max_lat", "centroid_lon", "centroid_lat", "centroid_easting",
               "centroid_northing", "area_km2", "dataset"]


def _write_areas(rows: list[dict], dataset: Dataset) -> dict[str, int]:
    """Districts, then wards, then LSOAs, so each can point at the level above.

    Demo areas already in the database (from an earlier demo) are updated in place and keep
    their ids; those the new county has no use for are deleted.
    """
    existing = dict(Area.objects.filter(is_fictional=True).values_list("code", "id"))
    ids: dict[str, int] = {}
    for level in ("district", "ward", "lsoa"):
        new, changed = [], []
        for row in rows:
            if row["level"] != level:
                continue
            fields = {k: v for k, v in row.items() if k not in ("parent_code", "district_code")}
            area = Area(**fields, parent_id=ids.get(row["parent_code"]),
                        district_id=ids.get(row["district_code"]), is_fictional=True,
                        dataset=dataset, id=existing.get(row["code"]))
            (changed if area.id else new).append(area)
        Area.objects.bulk_update(changed, AREA_FIELDS, batch_size=100)
        Area.objects.bulk_create(new, batch_size=BATCH)
        ids.update(Area.objects.filter(is_fictional=True, level=level)
                   .values_list("code", "id"))
    stale = set(existing) - {row["code"] for row in rows}
    if stale:
        _delete_areas(Area.objects.filter(is_fictional=True, code__in=stale))
    return ids


def _delete_areas(areas) -> None:
    Area.objects.filter(Q(parent__in=areas) | Q(district__in=areas)).update(parent=None,
                                                                           district=None)
    areas.delete()


def _insert_many(model, rows: list[dict]) -> None:
    """Plain INSERTs through the database cursor, for tens of thousands of rows.

    bulk_create spends most of its time building model instances and compiling SQL for
    them; this prepares each value exactly as bulk_create would (get_db_prep_save) and
    leaves the rest to executemany. Fields a row leaves out take their defaults.
    """
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    defaults = {f.attname: f.get_default() for f in fields}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [
                [f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection)
                 for f in fields]
                for row in rows[start:start + 5000]])


def _with_lsoa(row: dict, area_ids: dict[str, int]) -> dict:
    fields = {k: v for k, v in row.items() if k != "lsoa_code"}
    fields["lsoa_id"] = area_ids[row["lsoa_code"]]
    return fields
