"""Made-up names for the demo county's places, streets, schools and people.

Names are built from English-sounding parts so the county reads naturally; uniqueness is kept
by the callers with `NamePool`. Everything here is fictional by construction.
"""

import numpy as np

COUNTY_NAME = "Marshwold"
FICTIONAL = "(fictional)"

PLACE_PREFIXES = [
    "Ash", "Ald", "Bar", "Brack", "Bram", "Brook", "Cald", "Chal", "Cold", "Cran", "Elm", "Ever",
    "Fen", "Fern", "Gold", "Hart", "Hazel", "Hol", "Kings", "Lang", "Lark", "Long", "Mar", "Mill",
    "Nether", "Oak", "Pen", "Quen", "Red", "Rush", "Sal", "Sed", "Stan", "Thorn", "Up", "Wex",
    "Whit", "Wil", "Wold", "Yarn",
]
PLACE_SUFFIXES = [
    "by", "bury", "combe", "cote", "den", "field", "ford", "ham", "hurst", "ington", "leigh",
    "ley", "mere", "stead", "stow", "thorpe", "ton", "well", "wick", "worth",
]
# Post towns of England these parts would otherwise spell: a fictional county must not
# borrow a real town's name.
REAL_TOWNS = {
    "Ashford", "Ashington", "Brackley", "Cranleigh", "Hartfield", "Holbury", "Kingsbury",
    "Langley", "Longfield", "Marton", "Oakham", "Rushden", "Salcombe", "Salford", "Stanley",
    "Thorncombe", "Whitby", "Whitworth",
}
VILLAGE_QUALIFIERS = ["Little", "Great", "Upper", "Lower", "East", "West", "North", "South"]

NEIGHBOURHOOD_SUFFIXES = [
    "Park", "Green", "Heath", "Fields", "Vale", "Hill", "Gate", "Cross", "End", "Common",
]

STREET_WORDS = [
    "Acacia", "Albert", "Alder", "Beech", "Birch", "Blackthorn", "Bridge", "Castle", "Cedar",
    "Chapel", "Cherry", "Church", "Clarence", "College", "Coronation", "Elder", "Fairfield",
    "Foxglove", "Garden", "George", "Granary", "Hawthorn", "Heron", "High", "Holly", "Juniper",
    "Kestrel", "Laburnum", "Larch", "Linden", "Manor", "Maple", "Market", "Meadow", "Mill",
    "Orchard", "Park", "Poplar", "Priory", "Queen's", "Railway", "Rectory", "Rowan", "School",
    "Sorrel", "Spring", "Station", "Sycamore", "Tanner's", "Victoria", "Walnut", "Weaver's",
    "Willow", "Windmill", "Wren", "Yew",
]
STREET_TYPES = [
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Grove", "Gardens",
    "Place", "Walk", "Terrace", "Rise",
]
# police.uk names some snap points after what is there rather than a street.
TOWN_CENTRE_PLACES = [
    "Shopping Area", "Supermarket", "Parking Area", "Nightclub", "Petrol Station",
    "Sports/Recreation Area", "Further/Higher Educational Building", "Pedestrian Subway",
]

SAINTS = [
    "Andrew", "Anne", "Augustine", "Bede", "Catherine", "Chad", "Columba", "Edmund", "George",
    "Helen", "James", "John", "Joseph", "Luke", "Margaret", "Mark", "Mary", "Michael", "Nicholas",
    "Oswald", "Patrick", "Paul", "Peter", "Thomas", "Wilfrid",
]

FIRST_NAMES = [
    "Aisha", "Alex", "Amara", "Ben", "Callum", "Chloe", "Daniel", "Eilidh", "Emma", "Farah",
    "Gareth", "Grace", "Hannah", "Imran", "Jade", "Jordan", "Kieran", "Leah", "Marcus", "Megan",
    "Nadia", "Noah", "Olivia", "Owen", "Priya", "Rhys", "Ruth", "Sam", "Sofia", "Tom", "Yusuf",
    "Zoe",
]
SURNAMES = [
    "Ahmed", "Barker", "Bennett", "Brooks", "Carter", "Chandler", "Dawson", "Ellis", "Fletcher",
    "Gallagher", "Hale", "Holt", "Iqbal", "Jennings", "Kaur", "Lowe", "Marsh", "Nolan", "Okafor",
    "Osei", "Patel", "Quinn", "Reeves", "Shah", "Thornton", "Turner", "Walsh", "Webb", "Yates",
]


class NamePool:
    """Hands out names not handed out before, from a generator of candidates."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used: set[str] = set()

    def take(self, name: str) -> bool:
        if name in self.used or name in REAL_TOWNS:
            return False
        self.used.add(name)
        return True

    def place(self) -> str:
        """A new settlement name such as 'Hazelcombe'."""
        for _ in range(10_000):
            name = self.rng.choice(PLACE_PREFIXES) + self.rng.choice(PLACE_SUFFIXES)
            if name in REAL_TOWNS:
                continue
            if self.rng.random() < 0.15:
                name = f"{self.rng.choice(VILLAGE_QUALIFIERS)} {name}"
            if self.take(name):
                return name
        raise RuntimeError("ran out of place names")

    def neighbourhood(self) -> str:
        """A new part of a town, such as 'Larkfield Park' or 'Millbrook'."""
        for _ in range(10_000):
            stem = self.rng.choice(PLACE_PREFIXES) + self.rng.choice(PLACE_SUFFIXES)
            if stem in REAL_TOWNS:
                continue
            name = stem
            if self.rng.random() >= 0.5:
                name = f"{stem} {self.rng.choice(NEIGHBOURHOOD_SUFFIXES)}"
            if self.take(name):
                return name
        raise RuntimeError("ran out of neighbourhood names")


def street_name(rng: np.random.Generator) -> str:
    return f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_TYPES)}"


def person_name(rng: np.random.Generator) -> tuple[str, str]:
    return str(rng.choice(FIRST_NAMES)), str(rng.choice(SURNAMES))
