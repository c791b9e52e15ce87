"""The demo fire service's register of fire-safety notices: one notice in each state the register
knows, dated back from the day the demo is built, so a newcomer sees entries published, complied,
withheld for a trade-secret claim, due to appear or go in the next fortnight, left out (under
appeal, cancelled, withdrawn, served on a person under 18, older than the keeping period) and a
few deadlines missed, and notices near schools on their pages.

Written through `register.records`, as protection officers record them, on the days they were
recorded; as seed data, so no audit events are made.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone

from safereach.accounts.models import Agency
from safereach.areas.coordinates import to_wgs84
from safereach.areas.models import Area
from safereach.register import clock
from safereach.register.articles import Article
from safereach.register.models import NoticeEvent, RegisterNotice
from safereach.register.public import may_be_public, published
from safereach.register.records import EventInput, Who, record_event, record_notice
from safereach.register.rules import AppealOutcome, ClaimOutcome, EventKind, add_years

WHO = Who(name="safereach demo")
ARTICLES = {
    "risk": Article(9, "risk assessment not suitable and sufficient"),
    "exits": Article(14, "emergency routes obstructed and final exits locked"),
    "alarm": Article(13, "fire alarm not working in the bedroom corridors"),
    "doors": Article(17, "fire doors not maintained: self-closers removed"),
    "training": Article(21, "staff not trained in the evacuation plan"),
    "arrangements": Article(11, "no fire safety arrangements recorded"),
}


@dataclass
class Story:
    """One notice: served `served` days before today, then what happened, each as
    (event, days ago it happened, days ago it was recorded, extras)."""

    name: str
    served: int  # days ago; or, with `around_keeping_end`, days after the keeping period's start
    kind: str = "enforcement"
    premises_type: str = "hotel"
    comply_in: int | None = 60  # days after service
    articles: tuple = ("risk", "exits")
    events: list = field(default_factory=list)
    under_18: bool = False
    commentary: str = ""
    near_school: int | None = None  # the index of a school it lies near, else at a place
    # Served this many days after the first day of service still kept (negative: before it), so
    # it leaves the register soon, or has left it, whatever the keeping period is set to.
    around_keeping_end: bool = False


STORIES = [
    Story("served yesterday", 1),
    Story("appeal period running", 12),
    Story("on the register", 60, comply_in=80),
    Story("compliance date this week", 40, comply_in=45, premises_type="hmo"),
    Story("compliance date passed", 120, comply_in=110, premises_type="flats"),
    Story("complied", 200, comply_in=120, events=[(EventKind.COMPLIED, 30, 28, {})]),
    Story("complied, recorded late", 150, comply_in=90, premises_type="hostel",
          events=[(EventKind.COMPLIED, 40, 25, {})]),
    Story("compliance date extended", 100, premises_type="other_sleeping",
          events=[(EventKind.EXTENDED, 20, 20, {"compliance_date": 40})]),
    Story("varied", 90, premises_type="food_and_drink",
          events=[(EventKind.VARIED, 15, 14, {"articles": ("risk", "exits", "training")})]),
    Story("under appeal", 40, events=[(EventKind.APPEAL_LODGED, 30, 29, {})]),
    Story("appeal dismissed", 120, premises_type="industrial",
          events=[(EventKind.APPEAL_LODGED, 110, 110, {}),
                  (EventKind.APPEAL_DECIDED, 20, 19, {"outcome": AppealOutcome.UPHELD})]),
    Story("cancelled on appeal", 150, events=[(EventKind.APPEAL_LODGED, 140, 139, {}),
                                              (EventKind.APPEAL_DECIDED, 60, 58,
                                               {"outcome": AppealOutcome.CANCELLED})]),
    Story("appeal recorded late", 60, premises_type="shop",
          events=[(EventKind.APPEAL_LODGED, 40, 30, {}),
                  (EventKind.APPEAL_DECIDED, 10, 9, {"outcome": AppealOutcome.ABANDONED})]),
    Story("withdrawn", 130, events=[(EventKind.WITHDRAWN, 50, 48, {})]),
    Story("withdrawn before it appeared", 30, events=[(EventKind.WITHDRAWN, 25, 25, {})]),
    Story("served on a person under 18", 70, premises_type="shop", under_18=True, articles=("risk",)),
    Story("trade secret claimed", 50, premises_type="industrial",
          events=[(EventKind.TRADE_SECRET_CLAIMED, 45, 45, {})]),
    Story("trade secret claim rejected", 110, premises_type="industrial",
          events=[(EventKind.TRADE_SECRET_CLAIMED, 100, 100, {}),
                  (EventKind.TRADE_SECRET_DECIDED, 60, 59, {"outcome": ClaimOutcome.REJECTED})]),
    Story("older than the keeping period", -40, around_keeping_end=True),
    Story("leaving the register soon", 7, kind="alterations", comply_in=None, articles=(),
          around_keeping_end=True),
    Story("prohibition on a care home", 80, kind="prohibition", premises_type="care_home", comply_in=None,
          articles=("alarm", "doors"),
          commentary="Sleeping accommodation on the second floor may not be used until a working fire alarm "
                     "is fitted to the bedroom corridors."),
    Story("alterations notice", 75, kind="alterations", premises_type="care_home", comply_in=None,
          articles=()),
    Story("takeaway by a school", 70, premises_type="food_and_drink", near_school=0,
          articles=("arrangements", "exits")),
    Story("flats by a school, just served", 3, premises_type="flats", near_school=0, articles=("doors",)),
    Story("shop by a school, complied", 160, premises_type="shop", near_school=1, articles=("exits",),
          events=[(EventKind.COMPLIED, 50, 49, {})]),
]
# The demo places whose names and sites notices on these premises take; other premises take a
# name below and the site of a hotel or B&B, in a town centre.
PREMISES_KINDS = {"hotel": "Hotel", "care_home": "Care home"}
SHOP_NAMES = {"food_and_drink": ["Golden Fryer", "Dragon Garden Takeaway", "The Plough Inn"],
              "shop": ["Corner Stores", "Bargain Booze and News", "Discount Carpets"],
              "industrial": ["Riverside Joinery", "Marsh Lane Storage", "Weldon Plastics"],
              "flats": ["Victoria Court", "Albion House", "Station Mansions"],
              "hostel": ["Station Road Hostel", "Harbour Lodge Supported Housing"],
              "hmo": ["Rooms over the Market Bakery"],
              "other_sleeping": ["Riverside Holiday Lets", "Wold View Serviced Apartments"]}
COMPANIES = ["Limited", "Holdings Ltd", "Hospitality Ltd", "Property Management Ltd", "Trading Ltd"]


def clear_demo_register() -> None:
    """Delete the demo fire service's notices and their events (kept for ever, but not a demo's)."""
    notices = RegisterNotice.objects.filter(agency__is_fictional=True)
    events = NoticeEvent.objects.filter(notice__in=notices)
    events.exclude(corrects=None).delete()  # strike-outs first: they protect what they strike out
    events.delete()
    notices.delete()


def add_demo_register(county, agencies: dict[str, Agency], today: date | None = None) -> dict:
    from safereach.demo.partners import FIRE

    today = today or clock.today()
    rng = np.random.default_rng(county.seed + 15)
    fire = agencies[FIRE]
    districts = {a.code: a for a in Area.objects.filter(level=Area.Level.DISTRICT, is_fictional=True)}
    lsoa_district = {a["code"]: a["district_code"] for a in county.areas if a["level"] == "lsoa"}
    places = sorted(county.places, key=lambda p: p["reference"])
    used: set[str] = set()
    for n, story in enumerate(STORIES, start=1):
        served_on = (add_years(today, -clock.keep_years()) + timedelta(days=story.served)
                     if story.around_keeping_end else today - timedelta(days=story.served))
        where = _where(rng, story, places, county.schools, used)
        details = {
            "number": f"MFRS/{served_on.year}/{n:03d}",
            "kind": story.kind,
            "recipient": where["recipient"],
            "premises_name": where["name"],
            "address": where["address"],
            "postcode": f"MW{n % 9 + 1} {n % 10}{'ABDEFGHJ'[n % 8]}{'LNPQRSTU'[n % 8]}",
            "premises_type": story.premises_type,
            "served_on": served_on,
            "compliance_date": served_on + timedelta(days=story.comply_in) if story.comply_in else None,
            "articles": [ARTICLES[a].as_json() for a in story.articles],
            "commentary": story.commentary,
            "recipient_under_18": story.under_18,
            "lat": where["lat"], "lon": where["lon"],
            "district": districts.get(lsoa_district.get(where["lsoa_code"], "")),
        }
        notice = record_notice(fire, details, WHO, today=served_on, recorded_at=_at(served_on), audit=False)
        for kind, happened, recorded, extra in story.events:
            on, known = today - timedelta(days=happened), today - timedelta(days=recorded)
            given = EventInput(kind=kind, on=on, outcome=extra.get("outcome", ""),
                               compliance_date=(today + timedelta(days=extra["compliance_date"])
                                                if "compliance_date" in extra else None),
                               articles=tuple(ARTICLES[a] for a in extra.get("articles", ())))
            record_event(notice, given, WHO, today=known, recorded_at=_at(known), audit=False)
    on_register = len(published(may_be_public(today).filter(agency=fire), today=today))
    return {"register notices": len(STORIES), "register entries": on_register}


def _where(rng, story: Story, places: list[dict], schools: list[dict], used: set[str]) -> dict:
    """A site for the story's notice: beside a school, or a demo place of the right kind."""
    company = f"{COMPANIES[int(rng.integers(len(COMPANIES)))]}"
    if story.near_school is not None:
        school = sorted(schools, key=lambda s: s["urn"])[story.near_school]
        angle = rng.uniform(0, 2 * np.pi)
        reach = rng.uniform(120, 400)
        e, n = school["easting"] + reach * np.cos(angle), school["northing"] + reach * np.sin(angle)
        lon, lat = to_wgs84(np.array([e]), np.array([n]))
        name = _pick(rng, SHOP_NAMES.get(story.premises_type, ["Unit 4"]), used)
        return {"name": name, "recipient": f"{name.split()[0]} {company}",
                "address": f"{int(rng.integers(1, 90))} School Lane, near {school['name']}",
                "lat": round(float(lat[0]), 6), "lon": round(float(lon[0]), 6),
                "lsoa_code": school["lsoa_code"]}
    kind = PREMISES_KINDS.get(story.premises_type)
    choices = [p for p in places if p["name"] not in used and (kind is None or p["kind"] == kind)]
    if not choices or kind is None:
        choices = [p for p in places if p["name"] not in used and p["kind"] in ("Hotel", "B&B")]
    place = choices[int(rng.integers(len(choices)))]
    used.add(place["name"])
    name = place["name"] if kind else _pick(rng, SHOP_NAMES.get(story.premises_type, ["Unit 4"]), used)
    recipient = (f"{rng.choice(['A.', 'J.', 'M.', 'S.'])} {rng.choice(['Okafor', 'Hale', 'Price', 'Bright'])}"
                 if story.under_18 else f"{name.removeprefix('The ').split()[0]} {company}")
    return {"name": name, "recipient": recipient, "address": place["address"],
            "lat": place["lat"], "lon": place["lon"], "lsoa_code": place["lsoa_code"]}


def _pick(rng, names: list[str], used: set[str]) -> str:
    free = [n for n in names if n not in used] or names
    name = free[int(rng.integers(len(free)))]
    used.add(name)
    return name


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(11)))
