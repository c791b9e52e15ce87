"""Boundaries: GeoJSON FeatureCollections of LSOAs, wards or districts, any year.

The level and vintage come from the ONS property names, in any case: LSOA11CD is a 2011
LSOA, WD25CD a 2025 ward, lad17cd a 2017 district, LADCD a district of no stated year;
the name is the matching …NM. A district link is read from LADCD_ACTIVE, LAD20CD, LAD25CD
and the like where a feature carries one.

Geometries are stored as GeoJSON in WGS84. A file in British National Grid (a crs naming
EPSG:27700, or coordinates in metres) is transformed. Centroids and areas are worked out
in BNG, where metres are metres. After LSOAs load, schools are linked to the LSOA their
location falls in, since schools may have been loaded first.
"""

import json
import re

import numpy as np
import shapely

from safereach.areas.coordinates import bng_problems, lonlat_problems, to_bng, to_wgs84
from safereach.areas.locate import locate_lsoas
from safereach.evidence.importers.base import (
    DatasetInfo,
    Importer,
    LoadFailed,
    Parsed,
    Problem,
    Problems,
)
from safereach.evidence.importers.lookups import (
    LEVEL_LABEL,
    LEVELS,
    PREFIX_LEVEL,
    code_problem,
    save_areas,
    update_rows,
    year,
)
from safereach.schools.models import School

CODE_PROPERTY = re.compile(r"^(lsoa|wd|lad)(\d{2})?cd$")
DISTRICT_PROPERTY = re.compile(r"^lad(\d{2})?cd(_active)?$")
FEATURE_START = re.compile(r'"type"\s*:\s*"Feature"')
POLYGONAL = {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}


class BoundaryImporter(Importer):
    kind = "boundaries"
    help = "GeoJSON FeatureCollection of LSOAs, wards or districts (ONS codes, WGS84 or BNG)"
    defaults = DatasetInfo(publisher="Office for National Statistics",
                           licence="Open Government Licence v3.0", classification="OFFICIAL")

    def parse(self, source, options, progress) -> Parsed:
        collection = self._collection(source)
        features = collection["features"]
        lines = self._feature_lines(source.text, len(features))
        problems = Problems(source.label)
        properties = [f.get("properties") or {} if isinstance(f, dict) else {} for f in features]
        # Property names in any case: 'LSOA11CD' and 'lsoa11cd' are the same.
        keys = [{k.lower(): k for k in p} for p in properties]
        level, vintage, code_key = self._level(source, keys, lines)

        codes, names, districts, parents = [], [], [], []
        first_line: dict[str, int] = {}
        for n, (props, lower) in enumerate(zip(properties, keys, strict=True), 1):
            line = lines[n - 1]
            code = str(props.get(lower.get(code_key), "") or "").strip()
            column = lower.get(code_key, code_key.upper())
            why = code_problem(level, code) if code else "has no code"
            if why:
                problems.add(line, column, f"feature {n}: {why}")
            elif code in first_line:
                problems.add(line, column, f"feature {n}: {code} appears again "
                                           f"(first on line {first_line[code]})")
            else:
                first_line[code] = line
            codes.append(code)
            names.append(str(props.get(lower.get(code_key[:-2] + "nm"), "") or "").strip() or None)
            districts.append(self._link(props, lower, level, vintage, "district", line, n, problems)
                             if level != "district" else None)
            parents.append(self._link(props, lower, level, vintage, "ward", line, n, problems)
                           if level == "lsoa" else None)
        geometries = self._geometries(_declared_bng(source, collection), features, codes,
                                      lines, problems)
        problems.raise_if_any()
        progress(len(features))
        title = collection.get("name") or source.path.name.split(".")[0]
        what = f"{LEVEL_LABEL[level]} boundaries" + (f" ({vintage})" if vintage else "")
        return Parsed(source=source, row_count=len(features), name=f"{what}, {title}",
                      payload=dict(level=level, vintage=vintage, codes=codes, names=names,
                                   districts=districts, parents=parents,
                                   **geometries))

    @staticmethod
    def _collection(source) -> dict:
        def refuse(line, reason):
            return LoadFailed([Problem(source.label, line, "(file)", reason)])

        try:
            collection = json.loads(source.text)
        except json.JSONDecodeError as error:
            raise refuse(error.lineno,
                         f"not valid JSON: {error.msg} (column {error.colno})") from None
        if not isinstance(collection, dict):
            raise refuse(1, "is not a GeoJSON FeatureCollection "
                            f"(its type is {type(collection).__name__!r})")
        if collection.get("type") != "FeatureCollection":
            raise refuse(1, "is not a GeoJSON FeatureCollection "
                            f"(its type is {collection.get('type')!r})")
        if not isinstance(collection.get("features"), list) or not collection["features"]:
            raise refuse(1, "the FeatureCollection has no features")
        return collection

    @staticmethod
    def _feature_lines(text: str, count: int) -> list[int]:
        """The line each feature starts on. ONS and ogr2ogr write one feature a line; a file
        written otherwise gets its problems on whichever line the feature starts (all on
        line 1 for a minified file), and every message names the feature by number."""
        starts = [m.start() for m in FEATURE_START.finditer(text)]
        if len(starts) != count:
            return [1] * count
        lines, line, last = [], 1, 0
        for start in starts:
            line += text.count("\n", last, start)
            last = start
            lines.append(line)
        return lines

    @staticmethod
    def _level(source, keys, lines) -> tuple[str, int | None, str]:
        """The finest level whose code property the features carry: an LSOA file also
        names its district, and the LSOA code is the feature's own."""
        found = {}
        for lower in keys:
            for key in lower:
                match = CODE_PROPERTY.match(key)
                if match:
                    found.setdefault(PREFIX_LEVEL[match[1]], {})[key] = year(match[2])
        for level in LEVELS:
            if level in found:
                by_key = found[level]
                if len(by_key) > 1:
                    raise LoadFailed([Problem(
                        source.label, lines[0], "(properties)",
                        f"has {LEVEL_LABEL[level]} codes of more than one year "
                        f"({', '.join(sorted(k.upper() for k in by_key))}); load one set a file")])
                key, vintage = next(iter(by_key.items()))
                return level, vintage, key
        shown = ", ".join(list(keys[0].values())[:20]) or "no properties"
        raise LoadFailed([Problem(
            source.label, lines[0], "(properties)",
            "no LSOA, ward or district code property (expected ONS names such as LSOA11CD, "
            f"LSOA21CD, WD19CD, LAD19CD; the first feature has: {shown})")])

    @staticmethod
    def _link(props, lower, level, vintage, target, line, n, problems) -> tuple | None:
        """(code, name, vintage) of the district (or ward) a feature names, or None.

        Of several district properties, the one of the file's own year is preferred, then
        the 'active' (current) one, then the newest year.
        """
        if target == "district":
            candidates = [k for k in lower if DISTRICT_PROPERTY.match(k)]
        else:
            candidates = [k for k in lower if re.match(r"^wd\d{2}cd$", k)]
        if not candidates:
            return None

        def preference(key):
            yy = re.search(r"\d{2}", key)
            linked_year = year(yy[0]) if yy else None
            return (linked_year != vintage, "_active" not in key, -(linked_year or 0))

        key = min(candidates, key=preference)
        code = str(props.get(lower[key]) or "").strip()
        if not code:
            return None  # a feature outside any district (offshore, say) has no link
        why = code_problem(target, code)
        if why:
            problems.add(line, lower[key], f"feature {n}: {why}")
            return None
        name_key = key.replace("cd", "nm", 1) if "_active" not in key else None
        name = str(props.get(lower.get(name_key), "") or "").strip() or None
        yy = re.search(r"\d{2}", key)
        return code, name, year(yy[0]) if yy else None

    @staticmethod
    def _geometries(declared_bng, features, codes, lines, problems) -> dict:
        """Geometries checked and measured: GeoJSON in WGS84, bounding boxes, centroids in
        both systems and areas in km² (worked out in BNG)."""

        def where(i):
            return f"feature {i + 1}" + (f" ({codes[i]})" if codes[i] else "")

        texts = []
        for f in features:
            geometry = f.get("geometry") if isinstance(f, dict) else None
            texts.append(json.dumps(geometry, separators=(",", ":")) if geometry else None)
        shapes = shapely.from_geojson(texts, on_invalid="ignore")
        usable = np.zeros(len(texts), dtype=bool)
        for i, (text, shape) in enumerate(zip(texts, shapes, strict=True)):
            if text is None:
                problems.add(lines[i], "geometry", f"{where(i)}: has no geometry")
            elif shape is None:
                try:  # read it again, alone, for GEOS's reason
                    shapely.from_geojson(text)
                    reason = "is not a GeoJSON geometry"
                except (shapely.errors.GEOSException, ValueError) as error:
                    reason = str(error)
                problems.add(lines[i], "geometry", f"{where(i)}: cannot be read: {reason}")
            elif shapely.get_type_id(shape) not in POLYGONAL:
                problems.add(lines[i], "geometry",
                             f"{where(i)}: is a {shape.geom_type}, not a Polygon or MultiPolygon")
            elif shape.is_empty:
                problems.add(lines[i], "geometry", f"{where(i)}: is empty")
            else:
                usable[i] = True
        readable = np.flatnonzero(usable)
        if readable.size == 0:
            return {}
        for i in readable[~shapely.is_valid(shapes[readable])]:
            # ONS's generalised boundaries hold a few rings that touch themselves at a
            # vertex: invalid to GEOS, but repairing them moves nothing. Repair those; a
            # geometry whose repair would change its area (crossing edges, a bow tie) is
            # wrong and stops the load.
            repaired = shapely.make_valid(shapes[i])
            if (shapely.get_type_id(repaired) in POLYGONAL
                    and abs(repaired.area - shapes[i].area) <= 1e-6 * shapes[i].area):
                shapes[i] = repaired
                texts[i] = shapely.to_geojson(repaired)
            else:
                problems.add(lines[i], "geometry", f"{where(i)}: invalid geometry: "
                                                   f"{shapely.is_valid_reason(shapes[i])}")

        bounds = shapely.bounds(shapes[readable])
        # Degrees never exceed 360; BNG metres almost always do.
        in_metres = declared_bng or bool(np.abs(bounds).max() > 360)
        check = bng_problems if in_metres else lonlat_problems
        seen = set()
        for corner in (bounds[:, :2], bounds[:, 2:]):
            for j, reason in check(corner[:, 0], corner[:, 1]):
                i = readable[j]
                if i not in seen:
                    seen.add(i)
                    problems.add(lines[i], "geometry", f"{where(i)}: {reason}")
        if problems:
            return {}

        def reproject(transform):
            return lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1]))

        if in_metres:
            bng = shapes
            wgs84 = shapely.transform(shapes, reproject(to_wgs84))
            texts = shapely.to_geojson(wgs84).tolist()
        else:
            wgs84 = shapes
            bng = shapely.transform(shapes, reproject(to_bng))
        box = shapely.bounds(wgs84)
        centre = shapely.centroid(bng)
        easting, northing = shapely.get_x(centre), shapely.get_y(centre)
        lon, lat = to_wgs84(easting, northing)
        return dict(
            geometry=texts, bounds=box.tolist(),
            centroid=np.column_stack([lon.round(6), lat.round(6),
                                      easting.round(1), northing.round(1)]).tolist(),
            area_km2=(shapely.area(bng) / 1e6).round(4).tolist(),
        )

    def write(self, parsed, dataset, progress) -> None:
        p = parsed.payload
        areas: dict[str, dict] = {}
        # The districts and wards features name come first, so that links can find them.
        for link_kind, links in (("district", p["districts"]), ("ward", p["parents"])):
            for link in links:
                if link:
                    code, name, vintage = link
                    known = areas.setdefault(code, {"level": link_kind, "vintage": vintage})
                    known["name"] = known.get("name") or name
        for i, code in enumerate(p["codes"]):
            min_lon, min_lat, max_lon, max_lat = p["bounds"][i]
            lon, lat, easting, northing = p["centroid"][i]
            district = p["districts"][i][0] if p["districts"][i] else None
            ward = p["parents"][i][0] if p["parents"][i] else None
            areas[code] = dict(
                level=p["level"], vintage=p["vintage"], name=p["names"][i],
                geometry=p["geometry"][i], min_lon=min_lon, min_lat=min_lat, max_lon=max_lon,
                max_lat=max_lat, centroid_lon=lon, centroid_lat=lat, centroid_easting=easting,
                centroid_northing=northing, area_km2=p["area_km2"][i], district=district,
                # A ward's parent is its district; an LSOA's its ward, when the file names one.
                parent=ward if p["level"] == "lsoa" else district,
            )
        save_areas(areas, dataset.pk, replace_dataset=True)
        if p["level"] == "lsoa":
            relink_schools()
        progress(parsed.row_count)


def _declared_bng(source, collection) -> bool:
    """Whether the collection declares British National Grid. A file that declares
    nothing is read as GeoJSON's WGS84 unless its numbers are metres; any other declared
    system stops the load rather than put Essex in the wrong place."""
    crs = collection.get("crs")
    named = (crs.get("properties") or {}) if isinstance(crs, dict) else {}
    name = str(named.get("name", "")) if isinstance(named, dict) else ""
    if not crs or re.search(r"CRS84|4326|4258", name, re.IGNORECASE):
        return False  # ETRS89 (4258) is within a metre of WGS84 in Britain
    if "27700" in name:
        return True
    raise LoadFailed([Problem(
        source.label, 1, "crs",
        f"coordinate reference system {name or crs!r} is not supported "
        "(use WGS84 longitude/latitude or British National Grid, EPSG:27700)")])


def relink_schools() -> None:
    """Link every located school to the LSOAs (2011 and 2021) its location falls in."""
    rows = list(School.objects.exclude(lon=None).exclude(lat=None)
                .values_list("id", "lon", "lat", "lsoa_id", "lsoa21_id"))
    if not rows:
        return
    ids, lon, lat, lsoa11_now, lsoa21_now = zip(*rows, strict=True)
    lsoa11, lsoa21 = locate_lsoas(np.array(lon), np.array(lat))
    found11 = [int(v) if v >= 0 else None for v in lsoa11]
    found21 = [int(v) if v >= 0 else None for v in lsoa21]
    now = zip(ids, found11, found21, lsoa11_now, lsoa21_now, strict=True)
    update_rows(School, "id", ["lsoa", "lsoa21"], (
        (a, b, pk) for pk, a, b, was_a, was_b in now if (a, b) != (was_a, was_b)
    ))
