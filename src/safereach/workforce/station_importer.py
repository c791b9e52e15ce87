"""Fire and police stations, which become officers' bases.

Reads the Home Office fire stations list (FRS_FULLNAME, E_CODE, STATION_NAME, STATION_ADDRESS,
STATION_POSTCODE, STATION_EASTING, STATION_NORTHING) as CSV or as the original .ods, and any
CSV of stations with a name and a location, optionally a service, operator, operator code,
address and postcode. The service (fire or police) comes from a Service column, else from
`--service`; the Home Office list is fire stations.

Stations are updated in place by (operator, name), never deleted and re-made, because
officers point at them as their base.
"""

import io
import re
import zipfile
from collections import Counter

import numpy as np

from safereach.areas.locate import locate_lsoas
from safereach.evidence.importers.base import (
    DatasetInfo,
    Importer,
    LoadFailed,
    Parsed,
    Problem,
    Problems,
    find_columns,
)
from safereach.evidence.importers.bulk import check_objects
from safereach.evidence.importers.locations import (
    LOCATION_ALIASES,
    CoordinateTexts,
    area_ids,
    check_length,
    duplicate_check,
    location_pairs,
    postcode,
    tidy,
)
from safereach.evidence.models import Dataset
from safereach.workforce.models import Station

ALIASES = {
    "name": ("Name", "Station name", "Station", "STATION_NAME"),
    "service": ("Service",),
    "operator": ("Operator", "Force", "Police force", "Fire and rescue service", "FRS",
                 "FRS_FULLNAME"),
    "operator_code": ("Operator code", "Force code", "FRA code", "PFA code", "E_CODE"),
    "address": ("Address", "STATION_ADDRESS"),
    "postcode": ("Postcode", "Post code", "STATION_POSTCODE"),
    **LOCATION_ALIASES,
    "easting": (*LOCATION_ALIASES["easting"], "STATION_EASTING"),
    "northing": (*LOCATION_ALIASES["northing"], "STATION_NORTHING"),
}
HOME_OFFICE_COLUMN = "FRS_FULLNAME"

SERVICES = {
    "fire": Station.Service.FIRE, "fire and rescue": Station.Service.FIRE,
    "fire & rescue": Station.Service.FIRE, "frs": Station.Service.FIRE,
    "police": Station.Service.POLICE, "other": Station.Service.OTHER,
}
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
# The Home Office list has 25 West Sussex stations whose every field reads "Not available
# here, but please see https://www.westsussex.gov.uk/…": the publisher withheld them.
WITHHELD = re.compile(r"^\s*(not available|withheld)", re.IGNORECASE)
LIMITS = {"name": 200, "operator": 200, "address": 300}
UPDATED = ["service", "operator_code", "address", "postcode", "easting", "northing", "lon", "lat",
           "lsoa", "dataset"]


def ods_records(source) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and (row number, cells) of an OpenDocument spreadsheet's STATIONS sheet (or
    its first sheet), as csv_records gives them for a CSV."""
    from odf import teletype
    from odf.namespaces import OFFICENS, TABLENS, TEXTNS
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(source.data))
    except Exception as error:  # odfpy raises whatever its XML and zip readers raise
        raise LoadFailed([Problem(source.label, 0, "(file)", "is not a readable OpenDocument "
                                  f"spreadsheet: {error}")]) from None
    sheets = [e for e in document.spreadsheet.childNodes if e.qname == (TABLENS, "table")]
    if not sheets:
        raise LoadFailed([Problem(source.label, 0, "(file)", "the spreadsheet has no sheets")])
    sheet = next((s for s in sheets if s.getAttrNS(TABLENS, "name") == "STATIONS"), sheets[0])

    def text_of(cell) -> str:
        if cell.getAttrNS(OFFICENS, "value-type") in ("float", "percentage", "currency"):
            return cell.getAttrNS(OFFICENS, "value") or ""
        return "\n".join(teletype.extractText(p) for p in cell.childNodes
                         if p.qname == (TEXTNS, "p"))

    rows, number = [], 0
    for row in (e for e in sheet.childNodes if e.qname == (TABLENS, "table-row")):
        repeat = int(row.getAttrNS(TABLENS, "number-rows-repeated") or 1)
        cells = []
        for cell in row.childNodes:
            if cell.qname not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                continue
            text = text_of(cell)
            # Sheets pad each row with thousands of repeated empty cells; keep real ones only.
            times = int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1)
            cells.extend([text] * (times if text else min(times, 64)))
        while cells and not cells[-1]:
            cells.pop()
        number += 1
        if cells:
            rows.append((number, cells))
        number += repeat - 1
    if not rows:
        raise LoadFailed([Problem(source.label, 1, "(file)", "the file is empty")])
    (_, header), records = rows[0], rows[1:]
    # A spreadsheet row may stop early where its last cells are empty: pad it to the header.
    return header, [(line, cells + [""] * (len(header) - len(cells))) for line, cells in records]


def is_spreadsheet(source) -> bool:
    if source.data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as archive:
            return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    except (zipfile.BadZipFile, KeyError):
        return False


class StationsImporter(Importer):
    kind = "stations"
    help = ("fire or police stations: the Home Office fire stations list (.csv or .ods) or a CSV "
            "with name, location and a Service column or --service")
    defaults = DatasetInfo(licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        if is_spreadsheet(source):
            header, records = ods_records(source)
        else:
            header, records = source.csv_records()
        cols = find_columns(source, header, ALIASES, required={"name"})
        pairs = location_pairs(source, cols, required=True)
        home_office = HOME_OFFICE_COLUMN.lower() in (h.strip().lower() for h in header)
        problems = Problems(source.label)
        given = options.get("service", "")
        fallback = SERVICES.get(given.strip().lower()) if given else None
        if given and fallback is None:
            raise LoadFailed([Problem(source.label, 0, "--service",
                                      f"{given!r} is not one of: fire, police, other")])
        if fallback is None and home_office:
            fallback = Station.Service.FIRE
        if fallback is None and "service" not in cols:
            raise LoadFailed([Problem(source.label, 1, "Service",
                                      "missing column (or give --service fire or --service police "
                                      "for the whole file)")])
        width = len(header)
        get = {f: cols.index.get(f) for f in ("service", "operator", "operator_code", "address",
                                               "postcode")}
        coordinates = CoordinateTexts(header, pairs)
        seen: dict = {}
        lines, stations, withheld = [], [], 0
        for line, row in records:
            if len(row) != width:
                problems.add(line, "(row)", f"expected {width} fields, found {len(row)}")
                continue
            if all(WITHHELD.match(row[i]) for _, x, y in pairs for i in (x, y)):
                withheld += 1  # counted in the dataset's rows, but there is no station to place
                continue
            value = {f: tidy(row[i]) if i is not None else "" for f, i in get.items()}
            name = tidy(row[cols["name"]])
            if not name:
                problems.add(line, header[cols["name"]], "is empty")
            service = fallback
            if value["service"]:
                service = SERVICES.get(value["service"].lower())
                if service is None:
                    problems.add(line, header[get["service"]],
                                 f"{value['service']!r} is not one of: fire, police, other")
            elif service is None:
                problems.add(line, header[get["service"]],
                             "is empty (or give --service for rows without one)")
            operator, code = value["operator"], value["operator_code"].upper()
            if code and not ONS_CODE.match(code):
                problems.add(line, header[get["operator_code"]],
                             f"{code!r} is not an ONS code (a letter and eight digits)")
            # Postcodes are optional here and the Home Office list holds free text in places
            # ('Not available here, but please see …'): keep a postcode when there is one.
            code_text = postcode(row[get["postcode"]], anywhere=True) \
                if get["postcode"] is not None else ""
            if name:
                duplicate_check(problems, line, header[cols["name"]], (operator, name),
                                f"station {name!r}" + (f" of {operator}" if operator else ""), seen)
            for field, text in (("name", name), ("operator", operator),
                                ("address", value["address"])):
                column = header[cols[field]] if field in cols else field
                check_length(problems, line, column, text, LIMITS[field])
            lines.append(line)
            stations.append(dict(service=service, name=name, operator=operator,
                                 operator_code=code, address=value["address"],
                                 postcode=code_text or ""))
            coordinates.add(row)
        if not lines and not problems:
            problems.add(2, "(file)", "the file has a header but no rows")
        location = coordinates.read(lines, problems)
        reported = {p.line for p in problems.items}
        for i in np.flatnonzero(~location.present):
            if lines[i] not in reported:
                problems.add(lines[i], " or ".join(f"{header[x]}/{header[y]}" for _, x, y in pairs),
                             "has no location")
        problems.raise_if_any()
        progress(len(lines))
        return Parsed(
            source=source, row_count=len(lines) + withheld, name=self._name(stations, withheld),
            defaults=DatasetInfo(publisher="Home Office", licence=self.defaults.licence,
                                 classification=self.defaults.classification)
            if home_office else None,
            payload=dict(stations=stations, location=location),
        )

    @staticmethod
    def _name(stations: list[dict], withheld: int) -> str:
        services = Counter(s["service"].label for s in stations)
        kinds = " and ".join(label.lower() for label, _ in services.most_common())
        operators = sorted({s["operator"] for s in stations if s["operator"]})
        who = ", ".join(operators) if len(operators) <= 2 else f"{len(operators)} services"
        name = f"{kinds.capitalize()} stations" + (f", {who}" if who else "")
        if withheld:
            name += f"; {withheld} listed without a location, not loaded"
        return name

    def write(self, parsed, dataset, progress) -> None:
        stations, location = parsed.payload["stations"], parsed.payload["location"]
        lsoa11 = area_ids(locate_lsoas(location.lon, location.lat)[0])
        objects = [
            Station(**{**station, "operator": station["operator"] or dataset.publisher},
                    lon=float(location.lon[i]), lat=float(location.lat[i]),
                    easting=round(float(location.easting[i]), 1),
                    northing=round(float(location.northing[i]), 1),
                    lsoa_id=lsoa11[i], dataset=dataset)
            for i, station in enumerate(stations)
        ]
        Station.objects.bulk_create(check_objects(objects), batch_size=500, update_conflicts=True,
                                    unique_fields=["operator", "name"], update_fields=UPDATED)
        in_use = Station.objects.filter(dataset__isnull=False).values("dataset")
        Dataset.objects.filter(kind=self.kind).exclude(pk=dataset.pk).exclude(pk__in=in_use).delete()
