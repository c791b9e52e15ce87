"""The articles of the Fire Safety Order a notice says were breached, as registers publish them:
"A9: risk assessment not suitable". Services publish the article and a few words on what was
wrong, never the detail of the defects.

Written one a line (or separated by semicolons) in forms and import files; stored as
[{"article": 9, "finding": "risk assessment not suitable"}].
"""

import re
from dataclasses import dataclass

# The duties of the Regulatory Reform (Fire Safety) Order 2005 a notice can say were breached.
ARTICLES = {
    8: "duty to take general fire precautions",
    9: "risk assessment",
    10: "principles of prevention",
    11: "fire safety arrangements",
    12: "elimination or reduction of risks from dangerous substances",
    13: "fire-fighting and fire detection",
    14: "emergency routes and exits",
    15: "procedures for serious and imminent danger and for danger areas",
    16: "additional emergency measures for dangerous substances",
    17: "maintenance",
    18: "safety assistance",
    19: "information to employees",
    20: "information to employers and the self-employed from outside undertakings",
    21: "training",
    22: "co-operation and co-ordination",
    23: "general duties of employees at work",
    24: "regulations made under article 24 (such as the Fire Safety (England) Regulations 2022)",
    38: "maintenance of measures provided for the protection of fire-fighters",
}
FINDING_LIMIT = 200
EXAMPLE = "A9: risk assessment not suitable"

_ONE = re.compile(r"^(?:a|art\.?|article)\s*(\d+)\s*(?:[:\-–—]\s*(.*))?$", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """One article breached and what was wrong."""

    number: int
    finding: str

    @property
    def code(self) -> str:
        return f"A{self.number}"

    def __str__(self) -> str:
        return f"{self.code}: {self.finding}"

    def as_json(self) -> dict:
        return {"article": self.number, "finding": self.finding}

    @classmethod
    def from_json(cls, value: dict) -> "Article":
        return cls(int(value["article"]), str(value["finding"]))


def parse_articles(text: str) -> tuple[tuple[Article, ...], list[str]]:
    """The articles written in `text` and, if any line cannot be read, what is wrong with it.

    Each is "A9: what was wrong" (also "Article 9 - …" or "Art. 9: …"); "A9" alone takes the
    article's own title as the finding."""
    found: list[Article] = []
    problems: list[str] = []
    seen: set[int] = set()
    for part in (p.strip() for p in re.split(r"[;\n]", text or "")):
        if not part:
            continue
        match = _ONE.match(part)
        if not match:
            problems.append(f"“{part[:40]}” is not an article: write each one as, for example, {EXAMPLE}")
            continue
        number = int(match[1])
        if number not in ARTICLES:
            problems.append(
                f"A{number} is not a duty of the Fire Safety Order a notice can name (A8 to A24, or A38)"
            )
            continue
        if number in seen:
            problems.append(f"A{number} is given more than once: put everything wrong under it on one line")
            continue
        finding = " ".join((match[2] or "").split()) or ARTICLES[number]
        if len(finding) > FINDING_LIMIT:
            problems.append(
                f"What was wrong under A{number} is {len(finding)} characters long: "
                f"keep it to {FINDING_LIMIT} at most"
            )
            continue
        seen.add(number)
        found.append(Article(number, finding))
    return tuple(found), problems


def articles_text(articles) -> str:
    """Articles as written in a form or a file, one a line."""
    return "\n".join(str(a) for a in articles)


def from_json(values) -> tuple[Article, ...]:
    return tuple(Article.from_json(v) for v in values or ())
