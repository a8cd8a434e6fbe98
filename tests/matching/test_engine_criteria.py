"""The matching engine's criteria, hard constraints and weights: one table per rule.

Every expected value is worked out by hand in the row's comment from the tables
and formulas documented in `matching.engine.scoring` (LEVEL_FIT, GAP_FIT,
WANTED_LEVEL_FIT, PROFICIENCY_FIT, FREQUENCY_FIT, K = 0.5); the engine is only
called to produce the value under test. Mentee Ana (id 1) meets mentor Ben (id 2).
No database: the engine is pure NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from matching.engine.features import Person, Vocabulary, offers_from, seekers_from
from matching.engine.scoring import (
    CRITERIA,
    ONE_TO_ONE,
    PEER,
    REVERSE,
    Scored,
    Weights,
    WeightsError,
    score_matrix,
    score_one,
)

# Vocabulary columns, as the caller would number them.
PYTHON, SQL, DESIGN, SALES = range(4)
EN, ES, PT = range(3)
FINTECH, HEALTH, RETAIL = range(3)
VOCAB = Vocabulary(skills=4, languages=3, industries=3)

TODAY = date(2026, 3, 2).toordinal()  # a Monday; the engine takes day numbers, not clocks
ANA, BEN = 1, 2
REASONS = ("no_language", "must_unmet", "closed", "excluded")


def mentee_ana(**features: Any) -> Person:
    return Person(**{"id": ANA, **features})


def mentor_ben(**features: Any) -> Person:
    return Person(**{"id": BEN, **features})


def at(day: int, start: float, end: float) -> tuple[int, int]:
    """UTC quarter-hour slots of `day` (0 = Monday) from `start` to `end` o'clock."""
    return day * 96 + round(start * 4), day * 96 + round(end * 4)


def score(
    mentee: Person,
    *mentors: Person,
    kind: str = ONE_TO_ONE,
    weights: Weights | None = None,
    exclude_ids: tuple[int, ...] = (),
) -> Scored:
    return score_one(
        seekers_from([mentee], VOCAB),
        offers_from(list(mentors), VOCAB),
        weights=weights or Weights.of(),
        kind=kind,
        today=TODAY,
        exclude_ids=exclude_ids,
    )


def value(name: str, mentee: Person, mentor: Person, kind: str = ONE_TO_ONE) -> float:
    return float(score(mentee, mentor, kind=kind).values[name][0])


# --- Skills: coverage C / W times depth min(1, 1.5 N / (N + 0.5)) ---------------------------
# W = wanted importance, C = the part of it the mentor covers, N = covered importance x
# LEVEL_FIT[level] (level 1..5 -> 0.5, 0.625, 0.75, 0.875, 1); must-haves weigh 2.

SKILLS = [
    pytest.param({}, set(), {PYTHON: 5}, 0.5, id="nothing wanted: neutral"),
    # C / W = 1, N = 1: 1.5 / 1.5
    pytest.param({PYTHON: 1}, set(), {PYTHON: 5}, 1.0, id="the one wanted skill at level 5"),
    # N = 0.875: 1.3125 / 1.375 = 21/22
    pytest.param({PYTHON: 1}, set(), {PYTHON: 4}, 21 / 22, id="level 4"),
    # N = 0.75: 1.125 / 1.25
    pytest.param({PYTHON: 1}, set(), {PYTHON: 3}, 0.9, id="level 3"),
    # N = 0.625: 0.9375 / 1.125 = 5/6
    pytest.param({PYTHON: 1}, set(), {PYTHON: 2}, 5 / 6, id="level 2"),
    # N = 0.5: 0.75 / 1.0
    pytest.param({PYTHON: 1}, set(), {PYTHON: 1}, 0.75, id="level 1"),
    # C = 0
    pytest.param({PYTHON: 1}, set(), {SQL: 5}, 0.0, id="only an unwanted skill"),
    pytest.param({PYTHON: 1}, set(), {}, 0.0, id="no skills at all"),
    # C / W = 1 / 2, N = 1: depth 1
    pytest.param({PYTHON: 1, SQL: 1}, set(), {PYTHON: 5}, 0.5, id="half the importance"),
    # C / W = 1 / 2, N = 0.625: depth 5/6
    pytest.param({PYTHON: 1, SQL: 1}, set(), {PYTHON: 2}, 5 / 12, id="half, at level 2"),
    # C / W = 2 / 2.5, N = 2: depth 3 / 2.5, capped
    pytest.param({PYTHON: 2, SQL: 0.5}, set(), {PYTHON: 5}, 0.8, id="covers the important one"),
    # C / W = 0.5 / 2.5, N = 0.5: depth 0.75 / 1
    pytest.param({PYTHON: 0.5, SQL: 2}, set(), {PYTHON: 5}, 0.15, id="covers the minor one"),
    # C / W = 1.5 / 2.5, N = 1.5: depth 2.25 / 2, capped
    pytest.param({PYTHON: 1.5, SQL: 1}, set(), {PYTHON: 5}, 0.6, id="goal priority 1.5"),
    # C / W = 1, but N = 0.5: depth 0.75 / 1 -- little importance, little depth
    pytest.param({PYTHON: 0.5}, set(), {PYTHON: 5}, 0.75, id="one low-priority skill"),
    # C / W = 1 / 2, N = 0.25 + 0.25: depth 0.75 / 1
    pytest.param(
        {PYTHON: 0.5, SQL: 0.5, DESIGN: 1}, set(), {PYTHON: 1, SQL: 1}, 0.375, id="two low ones"
    ),
    # C / W = 1, N = 1: two skills at level 1 give full depth
    pytest.param({PYTHON: 1, SQL: 1}, set(), {PYTHON: 1, SQL: 1}, 1.0, id="two at level 1"),
    # C / W = 1, N = 4: depth 6 / 4.5, capped
    pytest.param({PYTHON: 2, SQL: 2}, set(), {PYTHON: 5, SQL: 5}, 1.0, id="capped at 1"),
    # The must-have weighs 2: C / W = 2 / 3, N = 2 x 0.5: depth 1 (weight 1 would give 0.375)
    pytest.param({SQL: 1}, {PYTHON}, {PYTHON: 1}, 2 / 3, id="a must-have weighs 2"),
    # Wanted at 0.5 but a must-have, so 2: C / W = 2 / 3, N = 2: depth 1 (0.5 would give 0.25)
    pytest.param(
        {PYTHON: 0.5, SQL: 1}, {PYTHON}, {PYTHON: 5}, 2 / 3, id="a must-have raises its weight"
    ),
]


@pytest.mark.parametrize(("wanted", "must", "expertise", "expected"), SKILLS)
def test_skills(
    wanted: dict[int, float], must: set[int], expertise: dict[int, int], expected: float
) -> None:
    ana = mentee_ana(wanted=wanted, must=must)
    assert value("skills", ana, mentor_ben(expertise=expertise)) == pytest.approx(expected)


def test_skills_of_several_mentors_at_once_follow_each_mentors_levels() -> None:
    ana = mentee_ana(wanted={PYTHON: 1, SQL: 1})
    mentors = [
        Person(id=10, expertise={SQL: 5, PYTHON: 5}),  # 2 / 2 x min(1, 3 / 2.5)
        Person(id=11),  # C = 0
        Person(id=12, expertise={PYTHON: 1}),  # 1 / 2 x 0.75 / 1
        Person(id=13, expertise={SQL: 3, DESIGN: 5}),  # 1 / 2 x 1.125 / 1.25
    ]
    assert score(ana, *mentors).values["skills"].tolist() == pytest.approx([1.0, 0.0, 0.375, 0.45])


# --- Industry: 1 when the mentor has any wanted industry ------------------------------------

INDUSTRY = [
    pytest.param({FINTECH}, {FINTECH}, 1.0, id="the wanted industry"),
    pytest.param({FINTECH}, {HEALTH}, 0.0, id="another industry"),
    pytest.param({FINTECH}, set(), 0.0, id="mentor lists none"),
    pytest.param({FINTECH, HEALTH}, {HEALTH, RETAIL}, 1.0, id="one of two wanted"),
    pytest.param({FINTECH, HEALTH}, {FINTECH, HEALTH}, 1.0, id="both wanted: still 1"),
    pytest.param(set(), {FINTECH}, 0.5, id="nothing wanted: neutral"),
]


@pytest.mark.parametrize(("wanted", "industries", "expected"), INDUSTRY)
def test_industry(wanted: set[int], industries: set[int], expected: float) -> None:
    ana = mentee_ana(wanted_industries=wanted)
    assert value("industry", ana, mentor_ben(industries=industries)) == pytest.approx(expected)


# --- Experience: seniority fit and minimum years, averaged ----------------------------------
# one_to_one by gap (mentor - mentee, -5..+5):
#   0.05 0.05 0.05 0.05 0.1 | 0.45 | 0.9 1.0 0.85 0.7 0.6
# reverse: the same table mirrored (gap g scores what one_to_one gives -g);
# peer: 0.05 0.05 0.15 0.4 0.75 | 1.0 | 0.75 0.4 0.15 0.05 0.05;
# a wanted level: |mentor - wanted| 0..5 -> 1.0 0.7 0.35 0.1 0.05 0.05.

EXPERIENCE = [
    pytest.param(ONE_TO_ONE, {"seniority": 2}, {"seniority": 4}, 1.0, id="1:1 two above"),
    pytest.param(ONE_TO_ONE, {"seniority": 2}, {"seniority": 3}, 0.9, id="1:1 one above"),
    pytest.param(ONE_TO_ONE, {"seniority": 2}, {"seniority": 5}, 0.85, id="1:1 three above"),
    pytest.param(ONE_TO_ONE, {"seniority": 1}, {"seniority": 5}, 0.7, id="1:1 four above"),
    pytest.param(ONE_TO_ONE, {"seniority": 1}, {"seniority": 6}, 0.6, id="1:1 five above"),
    pytest.param(ONE_TO_ONE, {"seniority": 3}, {"seniority": 3}, 0.45, id="1:1 same level"),
    pytest.param(ONE_TO_ONE, {"seniority": 3}, {"seniority": 2}, 0.1, id="1:1 one below"),
    pytest.param(ONE_TO_ONE, {"seniority": 6}, {"seniority": 1}, 0.05, id="1:1 five below"),
    pytest.param(ONE_TO_ONE, {"seniority": 3}, {"seniority": 0}, 0.5, id="1:1 mentor unknown"),
    pytest.param(REVERSE, {"seniority": 4}, {"seniority": 2}, 1.0, id="reverse two below"),
    pytest.param(REVERSE, {"seniority": 4}, {"seniority": 3}, 0.9, id="reverse one below"),
    pytest.param(REVERSE, {"seniority": 4}, {"seniority": 4}, 0.45, id="reverse same level"),
    pytest.param(REVERSE, {"seniority": 2}, {"seniority": 3}, 0.1, id="reverse one above"),
    pytest.param(REVERSE, {"seniority": 6}, {"seniority": 1}, 0.6, id="reverse five below"),
    pytest.param(REVERSE, {"seniority": 1}, {"seniority": 6}, 0.05, id="reverse five above"),
    pytest.param(PEER, {"seniority": 3}, {"seniority": 3}, 1.0, id="peer same level"),
    pytest.param(PEER, {"seniority": 3}, {"seniority": 4}, 0.75, id="peer one above"),
    pytest.param(PEER, {"seniority": 4}, {"seniority": 3}, 0.75, id="peer one below"),
    pytest.param(PEER, {"seniority": 2}, {"seniority": 4}, 0.4, id="peer two above"),
    pytest.param(PEER, {"seniority": 2}, {"seniority": 5}, 0.15, id="peer three above"),
    pytest.param(PEER, {"seniority": 5}, {"seniority": 2}, 0.15, id="peer three below"),
    pytest.param(PEER, {"seniority": 1}, {"seniority": 6}, 0.05, id="peer five above"),
    pytest.param(ONE_TO_ONE, {"wanted_seniority": 4}, {"seniority": 4}, 1.0, id="wanted level"),
    pytest.param(ONE_TO_ONE, {"wanted_seniority": 4}, {"seniority": 5}, 0.7, id="wanted +1"),
    pytest.param(ONE_TO_ONE, {"wanted_seniority": 4}, {"seniority": 2}, 0.35, id="wanted -2"),
    pytest.param(ONE_TO_ONE, {"wanted_seniority": 4}, {"seniority": 1}, 0.1, id="wanted -3"),
    pytest.param(ONE_TO_ONE, {"wanted_seniority": 1}, {"seniority": 5}, 0.05, id="wanted +4"),
    pytest.param(ONE_TO_ONE, {"wanted_seniority": 1}, {"seniority": 6}, 0.05, id="wanted +5"),
    pytest.param(ONE_TO_ONE, {"wanted_seniority": 4}, {"seniority": 0}, 0.5, id="wanted, unknown"),
    # The wanted level wins over the gap table (gap +3 would give 0.85).
    pytest.param(
        ONE_TO_ONE,
        {"seniority": 2, "wanted_seniority": 5},
        {"seniority": 5},
        1.0,
        id="wanted level over own level",
    ),
    # ... in reverse mentoring too (the mirrored gap 0 would give 0.45).
    pytest.param(
        REVERSE,
        {"seniority": 4, "wanted_seniority": 4},
        {"seniority": 4},
        1.0,
        id="wanted level in reverse",
    ),
    # Years alone: min(1, years / min_years).
    pytest.param(ONE_TO_ONE, {"min_years": 10}, {"years": 5}, 0.5, id="half the years"),
    pytest.param(ONE_TO_ONE, {"min_years": 4}, {"years": 1}, 0.25, id="a quarter of the years"),
    pytest.param(ONE_TO_ONE, {"min_years": 10}, {"years": 10}, 1.0, id="exactly the years"),
    pytest.param(ONE_TO_ONE, {"min_years": 10}, {"years": 30}, 1.0, id="more years: capped"),
    pytest.param(ONE_TO_ONE, {"min_years": 10}, {"years": 0}, 0.0, id="no years"),
    pytest.param(ONE_TO_ONE, {"min_years": 10}, {"years": None}, 0.5, id="years unknown"),
    # 80 years count as 50.
    pytest.param(ONE_TO_ONE, {"min_years": 50}, {"years": 80}, 1.0, id="years above 50"),
    # Both parts, averaged.
    # (gap +2: 1.0, 5 of 10 years: 0.5) / 2
    pytest.param(
        ONE_TO_ONE,
        {"seniority": 2, "min_years": 10},
        {"seniority": 4, "years": 5},
        0.75,
        id="gap and years averaged",
    ),
    # (|4 - 3| = 1: 0.7, 1 of 4 years: 0.25) / 2
    pytest.param(
        ONE_TO_ONE,
        {"wanted_seniority": 3, "min_years": 4},
        {"seniority": 4, "years": 1},
        0.475,
        id="wanted level and years averaged",
    ),
    # (unknown level: 0.5, 20 of 10 years: 1) / 2
    pytest.param(
        ONE_TO_ONE,
        {"seniority": 3, "min_years": 10},
        {"seniority": 0, "years": 20},
        0.75,
        id="unknown level and years averaged",
    ),
    pytest.param(
        ONE_TO_ONE,
        {"seniority": 3, "min_years": 10},
        {"seniority": 0, "years": None},
        0.5,
        id="mentor tells nothing",
    ),
    pytest.param(ONE_TO_ONE, {}, {"seniority": 6, "years": 30}, 0.5, id="mentee tells nothing"),
    pytest.param(PEER, {}, {"seniority": 1, "years": 0}, 0.5, id="peer mentee tells nothing"),
]


@pytest.mark.parametrize(("kind", "ana", "ben", "expected"), EXPERIENCE)
def test_experience(kind: str, ana: dict[str, Any], ben: dict[str, Any], expected: float) -> None:
    got = value("experience", mentee_ana(**ana), mentor_ben(**ben), kind=kind)
    assert got == pytest.approx(expected)


def test_experience_of_several_mentors_at_once_reads_each_mentors_level_and_years() -> None:
    ana = mentee_ana(seniority=2, min_years=10)
    mentors = [
        Person(id=10, seniority=4, years=10),  # (1.0 + 1.0) / 2
        Person(id=11, seniority=2, years=0),  # (0.45 + 0) / 2
        Person(id=12, seniority=0, years=None),  # (0.5 + 0.5) / 2
        Person(id=13, seniority=6, years=5),  # (0.7 + 0.5) / 2
    ]
    got = score(ana, *mentors).values["experience"].tolist()
    assert got == pytest.approx([1.0, 0.225, 0.5, 0.6])


# --- Traits: the share of wanted traits the mentor has --------------------------------------

TRAITS = [
    pytest.param(("direct", "structured"), ("direct",), 0.5, id="one of two"),
    pytest.param(
        ("direct", "structured"), ("structured", "direct", "reflective"), 1.0, id="both and more"
    ),
    pytest.param(("direct", "structured", "challenging"), ("challenging",), 1 / 3, id="1 of 3"),
    pytest.param(("direct",), (), 0.0, id="mentor lists none"),
    pytest.param(
        ("reflective",),
        ("direct", "encouraging", "structured", "exploratory", "challenging"),
        0.0,
        id="every other trait",
    ),
    pytest.param((), ("direct",), 0.5, id="nothing wanted: neutral"),
]


@pytest.mark.parametrize(("wanted", "traits", "expected"), TRAITS)
def test_traits(wanted: tuple[str, ...], traits: tuple[str, ...], expected: float) -> None:
    ana = mentee_ana(wanted_traits=wanted)
    assert value("traits", ana, mentor_ben(traits=traits)) == pytest.approx(expected)


# --- Languages: sum over shared languages of mentee weight x PROFICIENCY_FIT, capped at 1 ---
# PROFICIENCY_FIT, proficiency 1..4: 0.25 0.5 1 1. A mentee's weight is their own fit,
# halved for a language that is not preferred when some language is; a preferred
# language they do not list weighs 1.

LANGUAGES = [
    pytest.param({EN: 4}, set(), {EN: 4}, 1.0, id="two native speakers"),
    pytest.param({EN: 3}, set(), {EN: 3}, 1.0, id="two fluent speakers"),  # 1 x 1
    pytest.param({EN: 2}, set(), {EN: 4}, 0.5, id="intermediate mentee"),  # 0.5 x 1
    pytest.param({EN: 2}, set(), {EN: 2}, 0.25, id="two intermediate"),  # 0.5 x 0.5
    pytest.param({EN: 1}, set(), {EN: 4}, 0.25, id="basic mentee"),  # 0.25 x 1
    pytest.param({EN: 1}, set(), {EN: 1}, 0.0625, id="two basic"),  # 0.25 x 0.25
    pytest.param({EN: 4}, set(), {EN: 1, ES: 4}, 0.25, id="only the shared one counts"),
    # 1 x 1 + 1 x 1 = 2, capped
    pytest.param({EN: 4, ES: 4}, set(), {EN: 4, ES: 4}, 1.0, id="two shared: capped"),
    # 0.25 x 1 + 0.25 x 1: the shared languages add up
    pytest.param({EN: 1, ES: 1}, set(), {EN: 4, ES: 4}, 0.5, id="two basic languages add up"),
    # English is not preferred while Portuguese is: 1 / 2 x 1
    pytest.param({EN: 4, PT: 4}, {PT}, {EN: 4}, 0.5, id="the other language halved"),
    pytest.param({EN: 4, PT: 4}, {PT}, {PT: 4}, 1.0, id="the preferred language"),
    # Portuguese 0.5 (preferred, not halved) x 1 + English 1 / 2 x 1
    pytest.param({EN: 4, PT: 2}, {PT}, {EN: 4, PT: 4}, 1.0, id="preferred plus halved"),
    # A preferred language not listed weighs 1: 1 x 0.5
    pytest.param({EN: 2}, {PT}, {PT: 2}, 0.5, id="unlisted preferred language"),
    # ... and it halves the listed one: 0.5 / 2 x 1
    pytest.param({EN: 2}, {PT}, {EN: 4}, 0.25, id="listed but not preferred"),
    pytest.param({EN: 4}, set(), {ES: 4}, 0.0, id="nothing shared"),
    pytest.param({}, set(), {EN: 4}, 0.5, id="mentee lists none: neutral"),
    pytest.param({EN: 4}, set(), {}, 0.5, id="mentor lists none: neutral"),
]


@pytest.mark.parametrize(("languages", "preferred", "ben", "expected"), LANGUAGES)
def test_languages(
    languages: dict[int, int], preferred: set[int], ben: dict[int, int], expected: float
) -> None:
    ana = mentee_ana(languages=languages, preferred_languages=preferred)
    assert value("languages", ana, mentor_ben(languages=ben)) == pytest.approx(expected)


# --- Availability: shared quarter-hours / 4 over the target hours, capped at 1 ---------------

MONDAY, TUESDAY, WEDNESDAY, SUNDAY = 0, 1, 2, 6

AVAILABILITY = [
    # 2 h shared / 2 h target
    pytest.param([at(MONDAY, 9, 11)], 2.0, [at(MONDAY, 9, 11)], 1.0, id="the same two hours"),
    # 10:00-11:00 shared: 1 / 2
    pytest.param([at(MONDAY, 9, 11)], 2.0, [at(MONDAY, 10, 12)], 0.5, id="one hour shared"),
    pytest.param([at(MONDAY, 9, 11)], 4.0, [at(MONDAY, 9, 11)], 0.5, id="half the target"),
    pytest.param([at(MONDAY, 9, 11)], 1.0, [at(MONDAY, 8, 12)], 1.0, id="above the target"),
    # 9:00-9:30 and 10:30-11:00 inside 9:00-11:00: 1 h / 2
    pytest.param(
        [at(MONDAY, 9, 11)],
        2.0,
        [at(MONDAY, 9, 9.5), at(MONDAY, 10.5, 12)],
        0.5,
        id="two mentor windows",
    ),
    # 9:00-10:00 and 9:30-10:30 are 9:00-10:30, not 2 h: 1.5 / 2
    pytest.param(
        [at(MONDAY, 9, 11)],
        2.0,
        [at(MONDAY, 9, 10), at(MONDAY, 9.5, 10.5)],
        0.75,
        id="overlapping mentor windows",
    ),
    # Tuesday 9:00-10:00 only: 1 / 3
    pytest.param(
        [at(MONDAY, 9, 11), at(TUESDAY, 9, 11)],
        3.0,
        [at(TUESDAY, 8, 10)],
        1 / 3,
        id="two mentee days",
    ),
    pytest.param([at(MONDAY, 9, 11)], 2.0, [at(MONDAY, 11, 13)], 0.0, id="touching windows"),
    pytest.param([at(MONDAY, 9, 11)], 2.0, [at(WEDNESDAY, 9, 11)], 0.0, id="another day"),
    # The last hour of the week, slots 668..671: 1 / 2
    pytest.param([at(SUNDAY, 23, 24)], 2.0, [at(SUNDAY, 22, 24)], 0.5, id="end of the week"),
    # A quarter hour shared, and a target of 0 counts as a quarter hour.
    pytest.param([at(MONDAY, 9, 11)], 0.0, [at(MONDAY, 10.75, 12)], 1.0, id="target 0"),
    pytest.param([], 2.0, [at(MONDAY, 9, 11)], 0.5, id="mentee gave none: neutral"),
    pytest.param([at(MONDAY, 9, 11)], 2.0, [], 0.0, id="mentor gave none"),
]


@pytest.mark.parametrize(("slots", "target_hours", "ben", "expected"), AVAILABILITY)
def test_availability(
    slots: list[tuple[int, int]], target_hours: float, ben: list[tuple[int, int]], expected: float
) -> None:
    ana = mentee_ana(slots=tuple(slots), target_hours=target_hours)
    got = value("availability", ana, mentor_ben(slots=tuple(ben)))
    assert got == pytest.approx(expected)


def test_shared_hours_are_reported_per_mentor_and_unknown_without_mentee_slots() -> None:
    ana = mentee_ana(slots=(at(MONDAY, 9, 12),), target_hours=2.0)
    mentors = [
        Person(id=10, slots=(at(MONDAY, 8, 10),)),  # 9:00-10:00
        Person(id=11),
        Person(id=12, slots=(at(MONDAY, 9.25, 11), at(TUESDAY, 9, 12))),  # 9:15-11:00
    ]
    scored = score(ana, *mentors)
    assert scored.shared_hours.tolist() == [1.0, 0.0, 1.75]
    assert scored.values["availability"].tolist() == pytest.approx([0.5, 0.0, 0.875])
    assert math.isnan(score(mentee_ana(), *mentors).shared_hours[0])


# --- Formats: share of wanted formats offered and rhythm fit, averaged ----------------------
# FREQUENCY_FIT, wanted (rows) x mentor (columns), weekly/fortnightly/monthly/ad hoc:
#   weekly 1 0.6 0.25 0.5 | fortnightly 0.6 1 0.6 0.5 | monthly 0.25 0.6 1 0.5 |
#   ad hoc 0.5 0.5 0.5 1; an unknown mentor rhythm 0.5.

FORMATS = [
    pytest.param(("video", "phone"), None, ("video",), "weekly", 0.5, id="one of two formats"),
    pytest.param(
        ("video", "phone"), None, ("phone", "video", "chat"), None, 1.0, id="all wanted formats"
    ),
    pytest.param(("in_person",), None, ("video", "phone", "chat"), None, 0.0, id="no format"),
    pytest.param((), "weekly", (), "weekly", 1.0, id="weekly, weekly"),
    pytest.param((), "weekly", (), "fortnightly", 0.6, id="weekly, fortnightly"),
    pytest.param((), "weekly", (), "monthly", 0.25, id="weekly, monthly"),
    pytest.param((), "fortnightly", (), "monthly", 0.6, id="fortnightly, monthly"),
    pytest.param((), "monthly", (), "ad_hoc", 0.5, id="monthly, ad hoc"),
    pytest.param((), "ad_hoc", (), "ad_hoc", 1.0, id="ad hoc, ad hoc"),
    pytest.param((), "weekly", (), None, 0.5, id="mentor rhythm unknown"),
    # (1 of 2 formats: 0.5, weekly/weekly: 1) / 2
    pytest.param(("video", "phone"), "weekly", ("video",), "weekly", 0.75, id="both averaged"),
    # (no format: 0, unknown rhythm: 0.5) / 2
    pytest.param(("chat",), "monthly", ("video", "phone"), None, 0.25, id="format 0, rhythm ?"),
    # (1 of 2: 0.5, fortnightly/monthly: 0.6) / 2
    pytest.param(
        ("in_person", "chat"), "fortnightly", ("in_person",), "monthly", 0.55, id="in person"
    ),
    pytest.param((), None, ("video",), "weekly", 0.5, id="nothing wanted: neutral"),
]


@pytest.mark.parametrize(
    ("wanted", "wanted_frequency", "formats", "frequency", "expected"), FORMATS
)
def test_formats(
    wanted: tuple[str, ...],
    wanted_frequency: str | None,
    formats: tuple[str, ...],
    frequency: str | None,
    expected: float,
) -> None:
    ana = mentee_ana(wanted_formats=wanted, wanted_frequency=wanted_frequency)
    ben = mentor_ben(formats=formats, frequency=frequency)
    assert value("formats", ana, ben) == pytest.approx(expected)


# --- Hard constraints ------------------------------------------------------------------------

HARD = [
    pytest.param({}, {}, (), set(), id="an open mentor"),
    pytest.param({"languages": {EN: 4}}, {"languages": {ES: 4}}, (), {"no_language"}, id="no lang"),
    pytest.param(
        {"languages": {EN: 4}, "preferred_languages": {PT}},
        {"languages": {PT: 1}},
        (),
        set(),
        id="an unlisted preferred language is shared",
    ),
    pytest.param({"languages": {EN: 1}}, {"languages": {EN: 1}}, (), set(), id="weak shared"),
    pytest.param({"languages": {EN: 4}}, {}, (), set(), id="mentor lists no language"),
    pytest.param({}, {"languages": {ES: 4}}, (), set(), id="mentee lists no language"),
    pytest.param({"must": {PYTHON}}, {}, (), {"must_unmet"}, id="lacks the must-have"),
    pytest.param(
        {"must": {PYTHON, SQL}},
        {"expertise": {PYTHON: 5, DESIGN: 5}},
        (),
        {"must_unmet"},
        id="one of two must-haves",
    ),
    pytest.param(
        {"must": {PYTHON, SQL}},
        {"expertise": {PYTHON: 1, SQL: 1}},
        (),
        set(),
        id="must-haves at any level",
    ),
    pytest.param({"wanted": {PYTHON: 2}}, {}, (), set(), id="a wanted skill is not a must-have"),
    pytest.param({}, {"accepting": False}, (), {"closed"}, id="not accepting"),
    pytest.param({}, {"paused_until": TODAY + 1}, (), {"closed"}, id="paused until tomorrow"),
    pytest.param({}, {"paused_until": TODAY}, (), set(), id="the pause ends today"),
    pytest.param({}, {"paused_until": TODAY - 30}, (), set(), id="paused in the past"),
    pytest.param({}, {"capacity": 2, "taken": 2}, (), {"closed"}, id="full"),
    pytest.param({}, {"capacity": 2, "taken": 3}, (), {"closed"}, id="over capacity"),
    pytest.param({}, {"capacity": 0, "taken": 0}, (), {"closed"}, id="no places at all"),
    pytest.param({}, {"capacity": 3, "taken": 2}, (), set(), id="one place left"),
    pytest.param({}, {"id": ANA}, (), {"excluded"}, id="her own account"),
    pytest.param({}, {}, (BEN,), {"excluded"}, id="an open request or mentorship"),
    pytest.param({}, {}, (99,), set(), id="someone else excluded"),
    pytest.param(
        {"languages": {EN: 4}, "must": {SQL}},
        {"languages": {ES: 4}, "accepting": False},
        (BEN,),
        {"no_language", "must_unmet", "closed", "excluded"},
        id="every reason at once",
    ),
]


@pytest.mark.parametrize(("ana", "ben", "exclude_ids", "reasons"), HARD)
def test_hard_constraints(
    ana: dict[str, Any], ben: dict[str, Any], exclude_ids: tuple[int, ...], reasons: set[str]
) -> None:
    scored = score(mentee_ana(**ana), mentor_ben(**ben), exclude_ids=exclude_ids)
    assert {reason for reason in REASONS if getattr(scored, reason)[0]} == reasons
    assert bool(scored.eligible[0]) is (not reasons)


def test_an_excluded_mentor_keeps_the_honest_score_and_the_others_stay_eligible() -> None:
    ana = mentee_ana(wanted={PYTHON: 1}, languages={EN: 4})
    mentors = [
        Person(id=10, expertise={PYTHON: 3}, languages={EN: 4}),
        Person(id=11, expertise={PYTHON: 3}, languages={EN: 4}, accepting=False),
        Person(id=12, expertise={PYTHON: 3}, languages={EN: 4}, capacity=1, taken=1),
        Person(id=13, expertise={PYTHON: 3}, languages={EN: 4}, paused_until=TODAY + 7),
    ]
    scored = score(ana, *mentors)
    assert scored.eligible.tolist() == [True, False, False, False]
    assert scored.closed.tolist() == [False, True, True, True]
    assert scored.total.tolist() == pytest.approx([scored.total[0]] * 4)


# --- Weights ---------------------------------------------------------------------------------


def only(**weights: float) -> dict[str, float]:
    """These weights, and 0 for every other criterion."""
    return {name: weights.get(name, 0.0) for name in CRITERIA}


WEIGHT_TABLES = [
    pytest.param(
        None,
        {
            "skills": 0.30,
            "industry": 0.10,
            "experience": 0.14,
            "traits": 0.10,
            "languages": 0.10,
            "availability": 0.16,
            "formats": 0.10,
        },
        id="defaults",
    ),
    # Defaults sum to 1, plus 0.4 more for skills: everything over 1.4.
    pytest.param(
        {"skills": 0.7},
        {
            "skills": 0.5,
            "industry": 0.1 / 1.4,
            "experience": 0.1,
            "traits": 0.1 / 1.4,
            "languages": 0.1 / 1.4,
            "availability": 0.16 / 1.4,
            "formats": 0.1 / 1.4,
        },
        id="a heavier skills weight",
    ),
    pytest.param(
        only(skills=3, industry=1),
        only(skills=0.75, industry=0.25),
        id="only two criteria",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), WEIGHT_TABLES)
def test_weights_are_normalised(
    overrides: Mapping[str, float] | None, expected: dict[str, float]
) -> None:
    weights = Weights.of(overrides)
    assert dict(weights.values) == pytest.approx(expected)
    assert sum(weights.values.values()) == pytest.approx(1.0)


REFUSED = [
    pytest.param({"charisma": 1.0}, "Unknown criterion", id="unknown criterion"),
    pytest.param({"skills": -0.1}, "0 or more", id="negative"),
    pytest.param({"skills": math.nan}, "0 or more", id="not a number"),
    pytest.param({"skills": "0.3"}, "0 or more", id="a string"),
    pytest.param({"skills": True}, "0 or more", id="a boolean"),
    # inf / inf would make a weight NaN; two of 1e308 would sum to inf and give all zeros.
    pytest.param({"skills": math.inf}, "0 or more", id="infinite"),
    pytest.param({"skills": 1e308, "traits": 1e308}, "0 or more", id="huge"),
    pytest.param(dict.fromkeys(CRITERIA, 0), "above 0", id="all zero"),
]


@pytest.mark.parametrize(("overrides", "message"), REFUSED)
def test_weights_refuse_bad_overrides(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(WeightsError, match=message):
        Weights.of(overrides)


def known_pair() -> tuple[Person, Person]:
    ana = mentee_ana(
        wanted={PYTHON: 1, SQL: 1},
        wanted_industries={FINTECH},
        seniority=2,
        wanted_traits=("direct", "structured"),
        languages={EN: 2},
        slots=(at(MONDAY, 9, 11),),
        target_hours=2.0,
        wanted_formats=("video",),
    )
    ben = mentor_ben(
        expertise={PYTHON: 5},
        industries={HEALTH},
        seniority=4,
        traits=("direct",),
        languages={EN: 4},
        slots=(at(MONDAY, 10, 12),),
        formats=("video",),
    )
    return ana, ben


KNOWN_VALUES = {
    "skills": 0.5,  # C / W = 1 / 2, depth 1
    "industry": 0.0,  # health, not fintech
    "experience": 1.0,  # gap +2
    "traits": 0.5,  # direct, not structured
    "languages": 0.5,  # 0.5 x 1
    "availability": 0.5,  # 1 h of 2
    "formats": 1.0,  # video offered, no rhythm wanted
}

TOTALS = [
    # 0.3 x 0.5 + 0.1 x 0 + 0.14 x 1 + 0.1 x 0.5 + 0.1 x 0.5 + 0.16 x 0.5 + 0.1 x 1
    pytest.param(None, 0.57, id="default weights"),
    # (0.5 + 0) / 2
    pytest.param(
        only(skills=1, industry=1),
        0.25,
        id="skills and industry",
    ),
    # (2 x 0.5 + 1 + 1) / 4
    pytest.param(
        only(experience=1, availability=2, formats=1),
        0.75,
        id="availability twice",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), TOTALS)
def test_the_total_is_the_weighted_sum_of_the_values(
    overrides: dict[str, float] | None, expected: float
) -> None:
    ana, ben = known_pair()
    scored = score(ana, ben, weights=Weights.of(overrides))
    assert {name: float(scored.values[name][0]) for name in CRITERIA} == pytest.approx(KNOWN_VALUES)
    assert float(scored.total[0]) == pytest.approx(expected)


# Ana and Ben want Python and speak English natively; each has Python at level 5:
# skills 1 (C / W = 1, N = 1: 1.5 / 1.5) and languages 1 (1 x 1), in both directions.
KEEN_ANA = mentee_ana(wanted={PYTHON: 1}, expertise={PYTHON: 5}, languages={EN: 4})
KEEN_BEN = mentor_ben(wanted={PYTHON: 1}, expertise={PYTHON: 5}, languages={EN: 4})
SKILLS_AND_LANGUAGES_OFF = {"skills": 0, "languages": 0}


def test_a_weight_of_0_keeps_the_value_in_score_one() -> None:
    scored = score(KEEN_ANA, KEEN_BEN, weights=Weights.of(SKILLS_AND_LANGUAGES_OFF))
    assert float(scored.values["skills"][0]) == 1.0
    assert float(scored.values["languages"][0]) == 1.0


def test_a_weight_of_0_keeps_the_value_in_the_matrix_components() -> None:
    matrix = score_matrix(
        seekers_from([KEEN_ANA], VOCAB),
        offers_from([KEEN_BEN], VOCAB),
        weights=Weights.of(SKILLS_AND_LANGUAGES_OFF),
        components=True,
    )
    assert matrix.values is not None
    assert float(matrix.values["skills"][0, 0]) == pytest.approx(1.0)
    assert float(matrix.values["languages"][0, 0]) == pytest.approx(1.0)


def test_a_weight_of_0_keeps_the_value_of_a_peer_pair() -> None:
    scored = score_one(
        seekers_from([KEEN_ANA], VOCAB),
        offers_from([KEEN_BEN], VOCAB),
        weights=Weights.of(SKILLS_AND_LANGUAGES_OFF),
        kind=PEER,
        today=TODAY,
        reverse_seekers=seekers_from([KEEN_BEN], VOCAB, with_slots=False),
        reverse_offer=offers_from([KEEN_ANA], VOCAB),
    )
    assert float(scored.values["skills"][0]) == pytest.approx(1.0)
    assert float(scored.values["languages"][0]) == pytest.approx(1.0)


def perfect_pair() -> tuple[Person, Person]:
    ana = mentee_ana(
        wanted={PYTHON: 1},
        wanted_industries={FINTECH},
        seniority=2,
        wanted_traits=("direct",),
        languages={EN: 4},
        slots=(at(MONDAY, 9, 11),),
        target_hours=2.0,
        wanted_formats=("video",),
        wanted_frequency="weekly",
    )
    ben = mentor_ben(
        expertise={PYTHON: 5},
        industries={FINTECH},
        seniority=4,
        traits=("direct",),
        languages={EN: 4},
        slots=(at(MONDAY, 9, 11),),
        formats=("video",),
        frequency="weekly",
    )
    return ana, ben


def test_a_perfect_pair_scores_one_on_every_criterion() -> None:
    scored = score(*perfect_pair())
    assert {name: float(scored.values[name][0]) for name in CRITERIA} == dict.fromkeys(
        CRITERIA, 1.0
    )
    assert float(scored.total[0]) == pytest.approx(1.0)


def test_a_perfect_pair_does_not_score_above_one() -> None:
    # The normalised default weights sum to 1.0000000000000002 in floating point.
    assert sum(Weights.of().values.values()) > 1.0
    assert float(score(*perfect_pair()).total[0]) <= 1.0


def test_a_large_industry_vocabulary_gets_its_own_product_in_the_matrix() -> None:
    # Over MAX_FUSED_INDUSTRIES the industries leave the hard product: same scores.
    many = Vocabulary(skills=VOCAB.skills, languages=VOCAB.languages, industries=80)
    mentee = mentee_ana(wanted={PYTHON: 1}, languages={EN: 4}, wanted_industries={3, 71})
    mentors = [
        mentor_ben(id=10, expertise={PYTHON: 3}, languages={EN: 4}, industries={71}),
        mentor_ben(id=11, expertise={PYTHON: 3}, languages={EN: 4}, industries={70}),
    ]
    matrix = score_matrix(
        seekers_from([mentee], many), offers_from(mentors, many), weights=Weights.of()
    )
    one = score_one(seekers_from([mentee], many), offers_from(mentors, many), weights=Weights.of())
    assert [float(v) for v in one.values["industry"]] == [1.0, 0.0]
    assert matrix.scores[0].tolist() == pytest.approx(one.total.tolist(), abs=1e-6)
