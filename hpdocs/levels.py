"""Swedish forms of the level names: "förvaltning, förvaltningen, förvaltningar, förvaltningens".

Documents must never build these by string concatenation ("verksamhetsområdeens",
"regionet", "sitt förvaltning"). A plan (or hpdocs.toml) names its levels; the forms come
from the plan when it gives them, else from a small lexicon of the nouns organisations use,
matched on the last part of a compound ("Vårdenhet" is declined like "enhet"). A noun the
lexicon does not know is declined by its ending, and the plan can always say it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

# singular -> (gender, definite, plural, definite plural)
_LEXICON: dict[str, tuple[str, str, str, str]] = {
    "bolag": ("ett", "bolaget", "bolag", "bolagen"),
    "företag": ("ett", "företaget", "företag", "företagen"),
    "koncern": ("en", "koncernen", "koncerner", "koncernerna"),
    "organisation": ("en", "organisationen", "organisationer", "organisationerna"),
    "region": ("en", "regionen", "regioner", "regionerna"),
    "kommun": ("en", "kommunen", "kommuner", "kommunerna"),
    "landsting": ("ett", "landstinget", "landsting", "landstingen"),
    "förbund": ("ett", "förbundet", "förbund", "förbunden"),
    "stiftelse": ("en", "stiftelsen", "stiftelser", "stiftelserna"),
    "nämnd": ("en", "nämnden", "nämnder", "nämnderna"),
    "förvaltning": ("en", "förvaltningen", "förvaltningar", "förvaltningarna"),
    "område": ("ett", "området", "områden", "områdena"),
    "division": ("en", "divisionen", "divisioner", "divisionerna"),
    "sektor": ("en", "sektorn", "sektorer", "sektorerna"),
    "verksamhet": ("en", "verksamheten", "verksamheter", "verksamheterna"),
    "klinik": ("en", "kliniken", "kliniker", "klinikerna"),
    "center": ("ett", "centret", "center", "centren"),
    "centrum": ("ett", "centrumet", "centrum", "centrumen"),
    "enhet": ("en", "enheten", "enheter", "enheterna"),
    "avdelning": ("en", "avdelningen", "avdelningar", "avdelningarna"),
    "mottagning": ("en", "mottagningen", "mottagningar", "mottagningarna"),
    "boende": ("ett", "boendet", "boenden", "boendena"),
    "hem": ("ett", "hemmet", "hem", "hemmen"),
    "team": ("ett", "teamet", "team", "teamen"),
    "grupp": ("en", "gruppen", "grupper", "grupperna"),
    "sjukhus": ("ett", "sjukhuset", "sjukhus", "sjukhusen"),
    "vårdcentral": ("en", "vårdcentralen", "vårdcentraler", "vårdcentralerna"),
    "kontor": ("ett", "kontoret", "kontor", "kontoren"),
}

# Keys a plan or hpdocs.toml may use to give the forms itself.
FORM_KEYS = ("namn", "bestämd", "plural", "bestämd_plural", "genus", "kort")


@dataclass(frozen=True)
class LevelName:
    """One level's name in every form a Swedish sentence needs (all lower case but `title`)."""

    title: str  # as the plan writes it, for headings and tables: "Förvaltning"
    singular: str  # "förvaltning"
    definite: str  # "förvaltningen"
    plural: str  # "förvaltningar"
    plural_definite: str  # "förvaltningarna"
    gender: str = "en"  # "en" or "ett"
    short: str = ""  # an abbreviation the plan uses ("VO"), else ""

    @property
    def article(self) -> str:
        return self.gender

    @property
    def reflexive(self) -> str:
        """'sin förvaltning', 'sitt verksamhetsområde'."""
        return "sitt" if self.gender == "ett" else "sin"

    @property
    def own(self) -> str:
        """'egen förvaltning', 'eget verksamhetsområde'."""
        return "eget" if self.gender == "ett" else "egen"

    @property
    def genitive(self) -> str:
        """'förvaltningens', 'verksamhetsområdets'."""
        return genitive(self.definite)

    @property
    def plural_genitive(self) -> str:
        """'förvaltningarnas', 'enheternas'."""
        return genitive(self.plural_definite)

    @property
    def indefinite_genitive(self) -> str:
        """'en förvaltnings', used as 'varje förvaltnings'."""
        return genitive(self.singular)

    def count(self, n: int) -> str:
        """'1 förvaltning', '3 förvaltningar'."""
        return f"{n} {self.singular if n == 1 else self.plural}"


def genitive(word: str) -> str:
    return word if word.endswith(("s", "x", "z")) else word + "s"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _by_ending(word: str) -> tuple[str, str, str, str]:
    """Forms of a noun the lexicon lacks, from its ending (the plan can override)."""
    if word.endswith("e"):
        return ("ett", word + "t", word + "n", word + "na")
    if word.endswith(("ing", "ning", "ling")):
        return ("en", word + "en", word + "ar", word + "arna")
    if word.endswith(("um",)):
        return ("ett", word + "et", word, word + "en")
    return ("en", word + "en", word + "er", word + "erna")


def _forms(singular: str) -> tuple[str, str, str, str]:
    if singular in _LEXICON:
        return _LEXICON[singular]
    # A compound: decline its last part ("verksamhetsområde" as "område").
    for cut in range(1, len(singular) - 1):
        tail = singular[cut:]
        if tail in _LEXICON:
            head = singular[:cut]
            gender, *rest = _LEXICON[tail]
            return (gender, *(head + form for form in rest))  # type: ignore[return-value]
    return _by_ending(singular)


def level_name(title: str, given: dict[str, str] | None = None) -> LevelName:
    """The forms of a level called `title`; `given` (from the plan or hpdocs.toml) wins."""
    given = {k: v.strip() for k, v in (given or {}).items() if isinstance(v, str) and v.strip()}
    title = given.get("namn", title).strip()
    singular = title.lower()
    gender, definite, plural, plural_definite = _forms(singular)
    gender = given.get("genus", gender)
    if gender not in ("en", "ett"):
        gender = "en"
    return LevelName(
        title=title,
        singular=singular,
        definite=given.get("bestämd", definite).lower(),
        plural=given.get("plural", plural).lower(),
        plural_definite=given.get("bestämd_plural", plural_definite).lower(),
        gender=gender,
        short=given.get("kort", ""),
    )
