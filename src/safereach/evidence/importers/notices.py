"""Notices served on premises: child abduction warning notices (CAWNs), closure notices and
orders, and fire-safety enforcement, prohibition and alterations notices.

There is no national open format for these, so SafeReach defines one (docs/formats.md):

    kind,reference,premises,address,postcode,issued,expires,latitude,longitude

`kind` is one of KINDS (or an alias such as CAWN); dates are YYYY-MM-DD or DD/MM/YYYY;
`expires` and the location (latitude/longitude or easting/northing) may be blank. The file
names premises and places, never people: a CAWN's premises is where the child was found or
the address it protects, not the name of anyone it is served on.

A file with any child abduction warning notice is OFFICIAL-SENSITIVE unless the person
loading it says otherwise with --classification. Notices are updated by (kind, reference).
"""

import re
from collections import Counter
from datetime import date, datetime

from safereach.areas.locate import locate_lsoas
from safereach.evidence.importers.base import (
    DatasetInfo,
    Importer,
    Parsed,
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
    nullable,
    postcode,
    tidy,
)
from safereach.evidence.models import Classification, Dataset, Notice

ALIASES = {
    "kind": ("Kind", "Notice kind", "Notice type", "Type"),
    "reference": ("Reference", "Ref", "Notice reference", "Notice number"),
    "premises": ("Premises", "Premises name", "Name"),
    "address": ("Address", "Premises address"),
    "postcode": ("Postcode", "Post code"),
    "issued": ("Issued", "Issued on", "Date issued", "Issue date", "Served", "Date served"),
    "expires": ("Expires", "Expires on", "Expiry date", "Expiry"),
    **LOCATION_ALIASES,
}
REQUIRED = {"kind", "reference", "issued"}

CAWN = "child abduction warning notice"
# The kinds SafeReach knows, each with the other names it arrives under.
KINDS = {
    CAWN: ("cawn",),
    "closure notice": ("premises closure notice", "asb closure notice"),
    "closure order": ("premises closure order", "asb closure order"),
    "fire safety enforcement notice": ("enforcement notice",),
    "fire safety prohibition notice": ("prohibition notice",),
    "fire safety alterations notice": ("alterations notice",),
}
KIND_NAMES = {alias: kind for kind, aliases in KINDS.items() for alias in (kind, *aliases)}
LIMITS = {"reference": 100, "premises": 200, "address": 300}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


def notice_date(text: str) -> date | None:
    """'2024-03-01' or '01/03/2024' (day first, as written in the UK); None if neither."""
    try:
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
        if UK_DATE.match(text):
            return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None  # the shape of a date, but not a day of the calendar (31/02/2024)
    return None


def kind_of(text: str) -> str | None:
    """The known kind a spelling names: 'Child Abduction Warning Notices' → CAWN."""
    words = " ".join(re.sub(r"[-_]", " ", text.lower()).split())
    return KIND_NAMES.get(words) or KIND_NAMES.get(words.removesuffix("s"))


class NoticesImporter(Importer):
    kind = "notices"
    help = ("notices (CAWN, closure, fire-safety enforcement/prohibition): CSV with kind, "
            "reference, premises, address, postcode, issued, expires, location")
    defaults = DatasetInfo(licence="", classification=Classification.OFFICIAL)

    def parse(self, source, options, progress) -> Parsed:
        header, records = source.csv_records()
        cols = find_columns(source, header, ALIASES, REQUIRED)
        pairs = location_pairs(source, cols, required=False)
        problems = Problems(source.label)
        width = len(header)
        get = {f: cols.index.get(f) for f in ("premises", "address", "postcode", "expires")}
        coordinates = CoordinateTexts(header, pairs)
        seen: dict = {}
        lines, notices = [], []
        for line, row in records:
            if len(row) != width:
                problems.add(line, "(row)", f"expected {width} fields, found {len(row)}")
                continue
            value = {f: tidy(row[i]) if i is not None else "" for f, i in get.items()}
            kind_text = row[cols["kind"]].strip()
            kind = kind_of(kind_text)
            if kind is None:
                problems.add(line, header[cols["kind"]],
                             f"{kind_text!r} is not a kind of notice SafeReach knows "
                             f"({'; '.join(KINDS)})" if kind_text else "is empty")
            ref = row[cols["reference"]].strip()
            if not ref:
                problems.add(line, header[cols["reference"]], "is empty")
            elif kind:
                duplicate_check(problems, line, header[cols["reference"]], (kind, ref),
                                f"reference {ref!r} for a {kind}", seen)
            issued = self._date(row[cols["issued"]].strip(), line, header[cols["issued"]],
                                problems, required=True)
            expires = None
            if get["expires"] is not None:
                expires = self._date(value["expires"], line, header[get["expires"]], problems,
                                     required=False)
                if issued and expires and expires < issued:
                    problems.add(line, header[get["expires"]],
                                 f"expires {expires:%Y-%m-%d}, before it was issued "
                                 f"({issued:%Y-%m-%d})")
            code = ""
            if get["postcode"] is not None:
                code = postcode(row[get["postcode"]])
                if code is None:
                    problems.add(line, header[get["postcode"]],
                                 f"{row[get['postcode']].strip()!r} is not a UK postcode")
            for field, text in (("reference", ref), ("premises", value["premises"]),
                                ("address", value["address"])):
                if field in cols:
                    check_length(problems, line, header[cols[field]], text, LIMITS[field])
            lines.append(line)
            notices.append(dict(kind=kind, reference=ref, premises=value["premises"],
                                address=value["address"], postcode=code or "",
                                issued_on=issued, expires_on=expires))
            coordinates.add(row)
        if not lines and not problems:
            problems.add(2, "(file)", "the file has a header but no rows")
        location = coordinates.read(lines, problems)
        problems.raise_if_any()
        progress(len(lines))
        kinds = Counter(n["kind"] for n in notices)
        issued_on = [n["issued_on"] for n in notices]
        return Parsed(
            source=source, row_count=len(lines),
            name="Notices: " + ", ".join(f"{kind} ({n:,})" for kind, n in kinds.most_common()),
            period_start=min(issued_on), period_end=max(issued_on),
            # A CAWN protects a named child: a file holding one is sensitive as a whole.
            defaults=DatasetInfo(licence=self.defaults.licence,
                                 classification=Classification.OFFICIAL_SENSITIVE)
            if CAWN in kinds else None,
            payload=dict(notices=notices, location=location),
        )

    @staticmethod
    def _date(text: str, line: int, column: str, problems: Problems, *, required: bool):
        if not text:
            if required:
                problems.add(line, column, "is empty")
            return None
        found = notice_date(text)
        if found is None:
            problems.add(line, column, f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
        return found

    def write(self, parsed, dataset, progress) -> None:
        notices, location = parsed.payload["notices"], parsed.payload["location"]
        present = location.present
        lsoa11 = area_ids(locate_lsoas(location.lon, location.lat)[0])
        lon, lat = nullable(location.lon, present), nullable(location.lat, present)
        easting = nullable(location.easting, present, 1)
        northing = nullable(location.northing, present, 1)
        objects = [
            Notice(**notice, lon=lon[i], lat=lat[i], easting=easting[i], northing=northing[i],
                   lsoa_id=lsoa11[i], dataset=dataset)
            for i, notice in enumerate(notices)
        ]
        Notice.objects.bulk_create(
            check_objects(objects), batch_size=500, update_conflicts=True,
            unique_fields=["kind", "reference"],
            update_fields=["premises", "address", "postcode", "issued_on", "expires_on", "lon",
                           "lat", "easting", "northing", "lsoa", "dataset"])
        Dataset.objects.filter(kind=self.kind, notices__isnull=True).exclude(pk=dataset.pk).delete()
        progress(len(notices))
