"""Every reason a list gives reads as a person would write it, for every indicator kind, every
programme's label and every kind of place, with counts of one and of several: no 'more than
100% of primary schools', '1 bu stations', "1 children' homes", 'an crime domain score' or an
indicator called 'Fsm'."""

import re

import numpy as np
import pytest

from safereach.matrix import indicators as ind
from safereach.matrix.compute import AreaFigures, Evidence, Matrix
from safereach.matrix.forecast import SUPERGROUPS
from safereach.matrix.profiles import Profile
from safereach.matrix.programmes import PROGRAMMES

JAN = ind.month_index(2024, 1)
# Kinds of place as the importers store them (lower case) and as profiles name them.
PLACE_KINDS = ["children's home", "semi-independent accommodation", "hotel", "b&b", "bus station",
               "rail station", "bus stop", "metro or tram station", "ferry terminal", "airport",
               "taxi rank", "care home"]
CATEGORIES = sorted({c for p in PROGRAMMES if p.get("profile")
                     for i in p["profile"]["indicators"] for c in i.get("categories", ())})
LABELS = sorted({(i["label"], tuple(i["categories"])) for p in PROGRAMMES if p.get("profile")
                 for i in p["profile"]["indicators"] if i.get("categories")})
# Schools 50 km apart, so each sees only its own: one of everything, two of everything, none.
# The last has a single place (a bus station) and, of every label but anti-social behaviour's
# (whose categories all count for other labels too), a single incident.
LONE_CATEGORIES = ["Criminal damage and arson", "Malicious false alarm", "Robbery", "Drugs",
                   "Accidental dwelling fire"]
ONE, TWO, NONE, MANY, LONE = range(5)
XY = np.array([[0.0, 0.0], [50_000.0, 0.0], [100_000.0, 0.0], [150_000.0, 0.0], [200_000.0, 0.0]])


def _evidence(basis="score") -> Evidence:
    incidents, months, cats = [], [], []
    for c, _ in enumerate(CATEGORIES):
        for month in range(JAN, JAN + 24):
            # Every month has data somewhere far away, so no window is missing months.
            incidents.append([900_000.0, 900_000.0])
            months.append(month)
            cats.append(c)
        for school, how_many in ((ONE, 1), (TWO, 2), (MANY, 40)):
            for k in range(how_many):
                incidents.append(XY[school] + [10.0 * k, 0.0])
                months.append(JAN + 23 - (k % 12))
                cats.append(c)
    for category in LONE_CATEGORIES:
        incidents.append(XY[LONE] + [20.0, 0.0])
        months.append(JAN + 23)
        cats.append(CATEGORIES.index(category))
    places, kinds = [], []
    for k, _ in enumerate(PLACE_KINDS):
        for school, how_many in ((ONE, 1), (TWO, 2), (MANY, 7)):
            places += [XY[school] + [5.0 * j, 5.0] for j in range(how_many)]
            kinds += [k] * how_many
    places.append(XY[LONE] + [5.0, 5.0])
    kinds.append(PLACE_KINDS.index("bus station"))
    codes = np.array(["E01000001", "E01000002", "E01000003", "E01000004", "E01000005"])
    groups = np.zeros((5, 8))
    groups[:, 4] = [0.01, 1.0, 0.5, 0.0, 0.2]
    groups[:, 5] = 1 - groups[:, 4]
    deprivation = {m: (np.array([5.0, 20.0, 40.0, 60.0, 10.0]) * (0.01 if m == "idaci" else 1), basis)
                   for m in ("imd", "idaci", "crime")}
    if basis == "score":
        deprivation["crime"] = (np.array([-1.2, 0.3, 1.1, 2.0, 0.0]), "score")
    return Evidence(
        school_xy=XY, school_phase_group=np.array(["primary"] * 5), school_lsoa=np.arange(5),
        school_fsm=np.array([1.0, 12.5, np.nan, 40.0, 5.0]),
        school_need_tier=np.array([1, 2, np.nan, 3, 1]),
        lsoa_xy=XY.copy(), lsoa_deprivation=deprivation, lsoa_population=np.full(5, 1500.0),
        incident_xy=np.array(incidents), incident_month=np.array(months),
        incident_category=np.array(cats), categories=CATEGORIES,
        place_xy=np.array(places), place_kind=np.array(kinds), place_kinds=PLACE_KINDS,
        school_areas={"lsoa": codes},
        area_figures={"dwelling fires": AreaFigures(codes=codes[:2], count=np.array([1.0, 2.0]),
                                                    rate_per_1000=np.array([np.nan, np.nan]))},
        lsoa_groups=groups, group_names=list(SUPERGROUPS.values()))


def _every_kind(label, categories) -> dict:
    return {"phases": ["primary"], "need_weight": 0.5, "indicators": [
        {"name": "forecast", "kind": "forecast", "label": label, "categories": list(categories)},
        {"name": "counted", "kind": "incidents", "label": label, "categories": list(categories)},
        {"name": "trend", "kind": "trend", "label": label, "categories": list(categories)},
        {"name": "hot", "kind": "hotspot", "label": label, "categories": list(categories)},
        {"name": "places", "kind": "places", "label": "places where vulnerable young people may be",
         "kinds": [k.upper() if k == "b&b" else k.capitalize() for k in PLACE_KINDS]},
        {"name": "imd", "kind": "deprivation", "measure": "imd"},
        {"name": "idaci", "kind": "deprivation", "measure": "idaci", "scope": "lsoa"},
        {"name": "crime", "kind": "deprivation", "measure": "crime"},
        {"name": "fsm", "kind": "fsm"},
        {"name": "need", "kind": "need"},
        {"name": "rate", "kind": "area_rate", "measure": "dwelling fires"},
        {"name": "oac", "kind": "classification", "groups": ["Urbanites"]},
    ]}


def _sentences(basis, labels, programmes):
    matrix = Matrix(_evidence(basis))
    profiles = [Profile.from_json(_every_kind(label, cats)) for label, cats in labels]
    profiles += [Profile.from_json({**p["profile"], "phases": ["primary"]})
                 for p in programmes if p.get("profile")]
    out = []  # (school, indicator label, sentence)
    for profile in profiles:
        result = matrix.target_list(profile)
        for row, school in enumerate(result.school_index):
            for c in result.contributions[row]:
                texts = [c["reason"], c["reason_shared"], c["display"], c["display_shared"]]
                texts += [p["text"] for p in c.get("parts") or []]
                out += [(int(school), c["label"], t) for t in texts]
    return out


@pytest.fixture(scope="module")
def sentences():
    # IoD scores for every label and programme; national ranks (as read when scores are not
    # published) for one.
    return _sentences("score", LABELS, PROGRAMMES) + _sentences("rank", LABELS[:1], [])


def _noun_after(number, text):
    """The noun phrases counted by `number` in `text`: '1 bus station' → 'bus station'."""
    return re.findall(rf"(?<![\d.,]){number} ([A-Za-z](?:[A-Za-z' &-]|, (?=[a-z]))*?)"
                      rf"(?= within| expected|,(?! [a-z])|\)|;|:|$)", text)


def test_every_label_reads_as_a_name(sentences):
    labels = {label for _, label, _ in sentences}
    assert "free school meals" in labels and "Fsm" not in labels
    assert all(label == label.strip() and "_" not in label for label in labels)


def test_one_is_one_and_several_are_many(sentences):
    ones = [(p, t) for _, _, t in sentences for p in _noun_after(1, t)]
    twos = [(p, t) for _, _, t in sentences for p in _noun_after(2, t)]
    assert len(ones) > 50 and len(twos) > 50
    for phrase, text in ones:
        if phrase.startswith(("in ", "of ")):  # '1 in the last 6 months'
            continue
        last = phrase.split(" ")[-1]
        assert not last.endswith("s") or last.endswith("ss") or phrase.endswith("people may be"), text
    for phrase, text in twos:
        last = phrase.split(" ")[-1]
        if phrase in ("month", "months") or phrase.startswith(("months", "of ", "in ")):
            continue
        assert last.endswith("s") or last == "accommodation" or phrase.endswith("may be"), text


def test_no_sentence_has_the_mistakes_seen(sentences):
    for _, _, text in sentences:
        assert "more than 100%" not in text and "more than 0%" not in text, text
        assert not re.search(r"\bbu\b|children' |\ban (?![aeiouAEIOU]|IMD|IDACI)|\ba (?=[aeiou])", text), text
        assert "b&b" not in text and "B&b" not in text, text
        assert not re.search(r"\d(\.\d+)?e[+-]?\d", text), text  # no exponent form
        assert "nan" not in text.split() and "inf" not in text.split(), text
        for percent in re.findall(r"more than (\d+)% of", text):
            assert 1 <= int(percent) <= 99, text


def test_the_sentences_for_one_and_two(sentences):
    one = " | ".join(t for s, _, t in sentences if s == ONE)
    two = " | ".join(t for s, _, t in sentences if s == TWO)
    for kind, kinds in [("bus station", "bus stations"), ("children's home", "children's homes"),
                        ("B&B", "B&Bs"), ("hotel", "hotels"),
                        ("metro or tram station", "metro or tram stations"),
                        ("semi-independent accommodation", "semi-independent accommodation")]:
        assert f"1 {kind}" in one and f"2 {kinds}" in two
    lone = " | ".join(t for s, _, t in sentences if s == LONE)
    assert "1 place where vulnerable young people may be within 1.5 km (1 bus station)" in lone
    assert "2 places where vulnerable young people may be within" in two
    assert "1 criminal damage and arson crime or deliberate fire within" in lone
    assert "6 criminal damage and arson crimes and deliberate fires within" in two
    assert "1 drugs or weapons crime within" in lone
    assert "1 weapons, robbery or violence crime within" in lone
    assert "1 malicious false alarm, anti-social behaviour incident or public order crime within" in lone
    assert "1 accidental dwelling fire within" in lone
    assert "a crime domain score of" in one and "an IMD score of" in one
    assert "1.0% of pupils are eligible for free school meals" in one
