"""Vulnerable places: any CSV with a name, a kind and a location; and NaPTAN stops.

Four shapes are read:
- a CSV with a name, a kind (or `--place-kind` for the whole file) and latitude/longitude or
  easting/northing, optionally a reference, address and postcode, under the usual spellings;
- NaPTAN's Stops.csv (ATCOCode, CommonName, …, StopType), the kind coming from the stop type;
- the reduced NaPTAN JSON array some tools publish ({atcoCode, commonName, indicator,
  coordinates: {latitude, longitude}, street, locality}), every stop a bus stop;
- the NHS ODS GP practice register (epraccur: OrganisationCode, Name, AddressLine1-5, Postcode,
  StatusCode, PrescribingSetting, …): open GP practices (status A, prescribing setting 4).

Rows with a postcode but no coordinates are placed at the postcode's centre from OS Code-Point
Open files given with `--postcodes` (postcode_points.py). In a CSV of places such a row whose
postcode is not in the files is a problem; the GP register covers England and Wales, so its
practices outside the postcode files given are left out and counted.

"""

import json
from collections import Counter
from dataclasses import dataclass, field

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
    normalise_header,
)
from safereach.evidence.importers.bulk import delete_ids, insert_rows
from safereach.evidence.importers.locations import (
    BNG,
    LOCATION_ALIASES,
    LONLAT,
    CoordinateTexts,
    Points,
    area_ids,
    check_length,
    duplicate_check,
    first_present,
    location_pairs,
    points,
    postcode,
    tidy,
)
from safereach.evidence.importers.postcode_points import PostcodePoints
from safereach.evidence.models import Dataset, Place

# ------------------------------------------------------------------------------------ places

ALIASES = {
    "name": ("Name", "Place name", "Site name", "Location name", "Establishment name",
             "Premises name"),
    "kind": ("Kind", "Place kind", "Type", "Place type", "Category"),
    "reference": ("Reference", "Ref", "ID", "Identifier", "Location ID", "Site ID", "URN"),
    "address": ("Address", "Full address", "Street address"),
    "postcode": ("Postcode", "Post code", "Postal code"),
    **LOCATION_ALIASES,
}

NAPTAN_ALIASES = {
    "reference": ("ATCOCode",),
    "name": ("CommonName",),
    "indicator": ("Indicator",),
    "street": ("Street",),
    "locality": ("LocalityName",),
    "stop_type": ("StopType",),
    "status": ("Status",),
    **LOCATION_ALIASES,
}

# One place per bus station, rail station, … : the access area. Its entrances, bays and
# platforms (BCE, BCS, BCQ, RSE, RPL, TMU, PLT, FTD, FBT, GAT, …) are parts of the same hub
# and are not loaded as places of their own.
NAPTAN_KINDS = {
    "BCT": "bus stop",
    "BST": "bus station",
    "RLY": "rail station",
    "MET": "metro or tram station",
    "FER": "ferry terminal",
    "AIR": "airport",
    "TXR": "taxi rank",
}
NAPTAN_GONE = {"inactive", "del", "deleted"}  # NaPTAN keeps withdrawn stops, marked so

LIMITS = {"kind": 60, "name": 200, "reference": 100, "address": 300}

EPRACCUR_ALIASES = {
    "reference": ("OrganisationCode",),
    "name": ("Name",),
    "postcode": ("Postcode",),
    "status": ("StatusCode",),
    "setting": ("PrescribingSetting",),
    "easting": ("Easting_CodePointOpen",),
    "northing": ("Northing_CodePointOpen",),
}
GP_PRACTICE = "GP practice"


@dataclass
class PlaceRows:
    """The places one file gives, column by column, and how its problems name things."""

    ref_column: str
    location_column: str
    count: int = 0  # data rows in the file, including those not kept as places
    lines: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)

    def append(self, line, kind, name, ref, address, code) -> None:
        self.lines.append(line)
        self.kinds.append(kind)
        self.names.append(name)
        self.refs.append(ref)
        self.addresses.append(address)
        self.postcodes.append(code)


class PlacesImporter(Importer):
    kind = "places"
    help = ("vulnerable places: CSV with name, kind (or --place-kind) and location; "
            "NaPTAN Stops.csv or its reduced JSON")
    defaults = DatasetInfo(licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        place_kind = " ".join(options.get("place_kind", "").lower().split())
        problems = Problems(source.label)
        by_postcode = PostcodePoints.read(options["postcodes"]) if options.get("postcodes") else None
        not_placed = 0
        if source.text.lstrip().startswith("["):
            rows, location = self._naptan_json(source, place_kind or "bus stop", problems)
            label = "NaPTAN stops"
        else:
            header, records = source.csv_records()
            normalised = {normalise_header(h) for h in header}
            if {"atcocode", "stoptype"} <= normalised:
                rows, location = self._naptan_csv(source, header, records, problems)
                label = "NaPTAN stops"
            elif {"organisationcode", "prescribingsetting"} <= normalised:
                rows, location, not_placed = self._epraccur(source, header, records, by_postcode,
                                                            problems)
                label = "GP practices (NHS ODS epraccur)"
            else:
                rows, location = self._csv(source, header, records, place_kind, problems, by_postcode)
                label = "Places"
        progress(rows.count)
        if rows.count == 0 and not problems:
            problems.add(2, "(file)", "the file has a header but no rows")
        reported = {problem.line for problem in problems.items}
        seen: dict = {}
        for i, line in enumerate(rows.lines):
            if rows.refs[i]:
                duplicate_check(problems, line, rows.ref_column, (rows.kinds[i], rows.refs[i]),
                                f"reference {rows.refs[i]!r} for a {rows.kinds[i]}", seen)
            if np.isnan(location.lon[i]) and line not in reported:
                if rows.postcodes[i] and by_postcode is not None:
                    problems.add(line, rows.location_column,
                                 f"has no location, and its postcode {rows.postcodes[i]} is not in the "
                                 "postcode file given")
                else:
                    problems.add(line, rows.location_column, "has no location")
        problems.raise_if_any()
        kinds = Counter(rows.kinds)
        summary = ", ".join(f"{kind} ({n:,})" for kind, n in kinds.most_common(3))
        if len(kinds) > 3:
            summary += f" and {len(kinds) - 3} more kinds"
        if not_placed:
            summary += f"; {not_placed:,} not in the postcode files given, left out"
        return Parsed(source=source, row_count=rows.count, name=f"{label}: {summary}",
                      payload=dict(rows=rows, location=location))

    # Each reader returns the rows it keeps and their locations; problems go to `problems`.

    def _csv(self, source, header, records, place_kind, problems, by_postcode=None):
        cols = find_columns(source, header, ALIASES,
                            required={"name"} if place_kind else {"name", "kind"})
        if by_postcode is not None and "postcode" not in cols:
            problems.add(1, "Postcode", "missing column: --postcodes places rows by their postcode")
            problems.raise_if_any()
        pairs = location_pairs(source, cols, required=by_postcode is None)
        rows = PlaceRows(
            ref_column=header[cols["reference"]] if "reference" in cols else "(reference)",
            location_column=_pair_names(header, pairs) or header[cols["postcode"]])
        width = len(header)
        get = {f: cols.index.get(f) for f in ("kind", "reference", "address", "postcode")}
        coordinates = CoordinateTexts(header, pairs)
        for line, row in records:
            rows.count += 1
            if len(row) != width:
                problems.add(line, "(row)", f"expected {width} fields, found {len(row)}")
                continue
            name = tidy(row[cols["name"]])
            if not name:
                problems.add(line, header[cols["name"]], "is empty")
            kind = place_kind
            if get["kind"] is not None and row[get["kind"]].strip():
                kind = " ".join(row[get["kind"]].lower().split())
            if not kind:
                problems.add(line, header[get["kind"]] if get["kind"] is not None else "(kind)",
                             "is empty (give a kind, or --place-kind for rows without one)")
            ref = row[get["reference"]].strip() if get["reference"] is not None else ""
            address = tidy(row[get["address"]]) if get["address"] is not None else ""
            code = ""
            if get["postcode"] is not None:
                code = postcode(row[get["postcode"]])
                if code is None:
                    problems.add(line, header[get["postcode"]],
                                 f"{row[get['postcode']].strip()!r} is not a UK postcode")
                    code = ""
            for name_of, value in (("kind", kind), ("name", name), ("reference", ref),
                                   ("address", address)):
                column = header[cols[name_of]] if name_of in cols else "--place-kind"
                check_length(problems, line, column, value, LIMITS[name_of])
            rows.append(line, kind, name, ref, address, code)
            coordinates.add(row)
        location = coordinates.read(rows.lines, problems)
        if by_postcode is not None:
            location = first_present([location, by_postcode.place(rows.postcodes)])
        return rows, location

    def _epraccur(self, source, header, records, by_postcode, problems):
        """Open GP practices from the NHS register, placed by the file's own grid columns (the
        geocoded extract) or by postcode."""
        cols = find_columns(source, header, EPRACCUR_ALIASES, required={"reference", "name", "postcode",
                                                                         "status", "setting"})
        own = "easting" in cols and "northing" in cols
        if not own and by_postcode is None:
            problems.add(1, "Postcode", "the GP register has postcodes but no coordinates: give the OS "
                                        "Code-Point Open files that cover it with --postcodes")
            problems.raise_if_any()
        rows = PlaceRows(ref_column=header[cols["reference"]], location_column=header[cols["postcode"]])
        address_at = [i for i, h in enumerate(header) if normalise_header(h).startswith("addressline")]
        width = len(header)
        xs, ys = [], []
        for line, row in records:
            rows.count += 1
            if len(row) != width:
                problems.add(line, "(row)", f"expected {width} fields, found {len(row)}")
                continue
            if row[cols["status"]].strip() != "A" or row[cols["setting"]].strip() != "4":
                continue  # closed or dormant, or not a GP practice (out of hours, prisons, …)
            code = postcode(row[cols["postcode"]])
            if code is None:
                given = row[cols["postcode"]].strip()
                problems.add(line, header[cols["postcode"]], f"{given!r} is not a UK postcode")
                code = ""
            name = tidy(row[cols["name"]]).title()
            address = ", ".join(tidy(row[i]).title() for i in address_at if row[i].strip())
            rows.append(line, GP_PRACTICE, name[:LIMITS["name"]], row[cols["reference"]].strip(),
                        address[:LIMITS["address"]], code)
            if own:
                xs.append(row[cols["easting"]].strip())
                ys.append(row[cols["northing"]].strip())
        if own:
            location = points(xs, ys, BNG, rows.lines, header[cols["easting"]], header[cols["northing"]],
                              problems)
        else:
            location = by_postcode.place(rows.postcodes)
        if by_postcode is not None:
            location = first_present([location, by_postcode.place(rows.postcodes)])
        placed = location.present
        if rows.lines and not placed.any():
            problems.add(rows.lines[0], header[cols["postcode"]],
                         "no practice's postcode is in the postcode files given: give the Code-Point Open "
                         "files for the area")
        kept = PlaceRows(rows.ref_column, rows.location_column, count=rows.count)
        for i in np.flatnonzero(placed):
            kept.append(rows.lines[i], rows.kinds[i], rows.names[i], rows.refs[i], rows.addresses[i],
                        rows.postcodes[i])
        location = Points(*(a[placed] for a in
                            (location.lon, location.lat, location.easting, location.northing)))
        return kept, location, int((~placed).sum())

    def _naptan_csv(self, source, header, records, problems):
        cols = find_columns(source, header, NAPTAN_ALIASES,
                            required={"reference", "name", "stop_type"})
        pairs = location_pairs(source, cols, required=True)
        rows = PlaceRows(ref_column=header[cols["reference"]],
                         location_column=_pair_names(header, pairs))
        width = len(header)
        i_indicator, i_street = cols.index.get("indicator"), cols.index.get("street")
        i_locality, i_status = cols.index.get("locality"), cols.index.get("status")
        coordinates = CoordinateTexts(header, pairs)
        for line, row in records:
            rows.count += 1
            if len(row) != width:
                problems.add(line, "(row)", f"expected {width} fields, found {len(row)}")
                continue
            kind = NAPTAN_KINDS.get(row[cols["stop_type"]].strip().upper())
            if kind is None:
                continue  # part of a hub, or a kind of stop that is not a place of concern
            if i_status is not None and row[i_status].strip().lower() in NAPTAN_GONE:
                continue
            ref = row[cols["reference"]].strip()
            if not ref:
                problems.add(line, header[cols["reference"]], "is empty")
            name = _stop_name(row[cols["name"]],
                              row[i_indicator] if i_indicator is not None else "")
            if not name:
                problems.add(line, header[cols["name"]], "is empty")
            address = ", ".join(tidy(row[i]) for i in (i_street, i_locality)
                                if i is not None and row[i].strip())
            # NaPTAN's own names and streets fit; clipping only guards the columns' sizes.
            rows.append(line, kind, name[:LIMITS["name"]], ref, address[:LIMITS["address"]], "")
            coordinates.add(row)
        return rows, coordinates.read(rows.lines, problems)

    def _naptan_json(self, source, kind, problems):
        """The reduced NaPTAN array, read item by item so each problem has its line."""
        rows = PlaceRows(ref_column="atcoCode", location_column="coordinates")
        lon_text, lat_text = [], []
        for line, item in _json_array_items(source):
            rows.count += 1
            if not isinstance(item, dict):
                problems.add(line, "(item)", "is not an object")
                continue
            ref = str(item.get("atcoCode") or "").strip()
            if not ref:
                problems.add(line, "atcoCode", "is missing or empty")
            name = _stop_name(str(item.get("commonName") or ""), str(item.get("indicator") or ""))
            if not name:
                problems.add(line, "commonName", "is missing or empty")
            coords = item.get("coordinates")
            if not isinstance(coords, dict):
                coords = {}
            address = ", ".join(tidy(str(item[k])) for k in ("street", "locality")
                                if str(item.get(k) or "").strip())
            rows.append(line, kind, name[:LIMITS["name"]], ref, address[:LIMITS["address"]], "")
            lon_text.append(str(coords.get("longitude", "")).strip())
            lat_text.append(str(coords.get("latitude", "")).strip())
        location = points(lon_text, lat_text, LONLAT, rows.lines, "coordinates.longitude",
                          "coordinates.latitude", problems)
        return rows, location

    def write(self, parsed, dataset, progress) -> None:
        rows: PlaceRows = parsed.payload["rows"]
        location: Points = parsed.payload["location"]
        self._remove_earlier(rows)
        Dataset.objects.filter(kind=self.kind, places__isnull=True).exclude(pk=dataset.pk).delete()
        lsoa11, _ = locate_lsoas(location.lon, location.lat)
        n = len(rows.lines)
        insert_rows(Place, ["dataset", "kind", "name", "reference", "address", "postcode", "lon",
                            "lat", "easting", "northing", "lsoa"],
                    zip([dataset.pk] * n, rows.kinds, rows.names, rows.refs, rows.addresses,
                        rows.postcodes, location.lon.tolist(), location.lat.tolist(),
                        np.round(location.easting, 1).tolist(),
                        np.round(location.northing, 1).tolist(), area_ids(lsoa11), strict=True))

    @staticmethod
    def _remove_earlier(rows: PlaceRows) -> None:
        """Places an earlier load put here that this file gives again: the same kind and
        reference, or for places without a reference the same kind, name and postcode."""
        by_ref = {(k, r) for k, r in zip(rows.kinds, rows.refs, strict=True) if r}
        by_name = {(k, name, code) for k, name, code, r
                   in zip(rows.kinds, rows.names, rows.postcodes, rows.refs, strict=True) if not r}
        earlier = Place.objects.filter(kind__in=set(rows.kinds)).values_list(
            "id", "kind", "reference", "name", "postcode")
        stale = []
        for pk, kind, ref, name, code in earlier.iterator(chunk_size=10_000):
            if (kind, ref) in by_ref if ref else (kind, name, code) in by_name:
                stale.append(pk)
        delete_ids(Place, stale)


def _pair_names(header: list[str], pairs) -> str:
    """How a problem names a row's location columns: 'Longitude/Latitude', say."""
    return " or ".join(f"{header[x]}/{header[y]}" for _, x, y in pairs)


def _stop_name(common_name: str, indicator: str) -> str:
    """'The Crescent' with its indicator 'opp' → 'The Crescent (opp)': the indicator tells
    apart the stops on either side of a road."""
    name, indicator = tidy(common_name), tidy(indicator)
    return f"{name} ({indicator})" if name and indicator else name


def _json_array_items(source):
    """(line, item) for each element of a top-level JSON array."""
    text = source.text
    decoder = json.JSONDecoder()

    def fail(at: int, reason: str):
        raise LoadFailed([Problem(source.label, text.count("\n", 0, at) + 1, "(json)", reason)])

    i = text.index("[") + 1
    line, counted = 1, 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i < len(text) and text[i] == "]":
            if text[i + 1:].strip():
                fail(i + 1, "unexpected text after the end of the array")
            return
        try:
            item, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as error:
            fail(error.pos, f"not valid JSON: {error.msg}")
        line += text.count("\n", counted, i)
        counted = i
        yield line, item
        i = end
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i < len(text) and text[i] == ",":
            i += 1
        elif i >= len(text) or text[i] != "]":
            fail(i, "expected ',' or ']' between the items of the array")
