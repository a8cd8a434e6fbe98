"""Why two people fit, in plain words, from the same arrays the score came from.

`explain` takes one mentor's position in a `Scored` result and returns each
criterion's weight, value and contribution with the facts behind it. The
words come in two voices: the mentee's ("3 of your 4 wanted skills") and the
mentor's, when a mentor looks at a mentee ("3 of Ana's 4 wanted skills").
Times are told in the reader's own zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from matching.engine.features import (
    FORMATS,
    FREQUENCIES,
    MAX_YEARS,
    SLOTS_PER_WEEK,
    TRAITS,
    Offers,
    Seekers,
)
from matching.engine.scoring import CRITERIA, NEUTRAL, Scored, Weights
from matching.index import MentorIndex, SeekerFacts
from matching.models import CRITERION_LABELS
from profiles.models import Format, Frequency, Seniority, Trait

TRAIT_LABELS = {value: label.lower() for value, label in Trait.choices}
FORMAT_LABELS = {value: label.lower() for value, label in Format.choices}
FREQUENCY_LABELS = {value: label.lower() for value, label in Frequency.choices}
SENIORITY_LABELS = dict(Seniority.choices)
PROFICIENCY_WORDS = {1: "basic", 2: "conversational", 3: "fluent", 4: "native"}
PARTS_OF_DAY = (
    (5, "morning", "mornings"),
    (12, "afternoon", "afternoons"),
    (17, "evening", "evenings"),
    (22, "night", "nights"),
)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

HINTS = {
    "skills": "Name the skills you want to grow in a goal or in your mentor persona.",
    "industry": "Choose the industries you would like your mentor to know.",
    "experience": "Say how senior you are, or what experience you want in a mentor.",
    "traits": "Pick the mentoring style that helps you (direct, encouraging, …).",
    "availability": "Add your weekly availability, so we can find shared hours.",
    "formats": "Say how and how often you would like to meet.",
    "languages": "Add the languages you speak.",
}
HINT_URLS = {
    "skills": "profiles:persona",
    "industry": "profiles:persona",
    "experience": "profiles:persona",
    "traits": "profiles:persona",
    "availability": "profiles:availability",
    "formats": "profiles:persona",
    "languages": "profiles:edit",
}


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: float  # share of the score, 0..1
    value: float  # 0..1
    facts: list[str]
    active: bool  # False: the mentee said nothing, so it counts as neutral
    good: bool  # a reason worth telling (strong and based on what was asked)
    hint: str = ""
    hint_url: str = ""
    short: str = ""  # the fact as a card reason

    @property
    def contribution(self) -> float:
        return self.weight * self.value

    @property
    def percent(self) -> int:
        return round(100 * self.value)

    @property
    def weight_percent(self) -> int:
        return round(100 * self.weight)

    @property
    def points(self) -> float:
        return round(100 * self.contribution, 1)


@dataclass(frozen=True)
class Explanation:
    score: float
    criteria: list[Criterion]
    top: list[Criterion]  # the three strongest reasons
    shared_hours: float | None
    shared_when: str  # "Tue and Thu evenings", in the reader's zone
    blockers: list[str] = field(default_factory=list)  # why not requestable now

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def reasons(self) -> list[str]:
        return [criterion.short for criterion in self.top]

    @property
    def inactive(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.active]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _hours(value: float) -> str:
    return f"{value:g} h" if value != int(value) else f"{int(value)} h"


@lru_cache(maxsize=256)
def _slot_local(zone: str, week_start: date) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """Local weekday and part of day (0..3) of each UTC slot of the week, in `zone`."""
    tz = ZoneInfo(zone)
    begin = datetime.combine(week_start, time(0), tzinfo=UTC)
    weekday = np.empty(SLOTS_PER_WEEK, dtype=np.int8)
    part = np.empty(SLOTS_PER_WEEK, dtype=np.int8)
    for slot in range(SLOTS_PER_WEEK):
        local = (begin + timedelta(minutes=15 * slot)).astimezone(tz)
        hour = local.hour
        # Night runs past midnight: 01:00 on Wednesday is still Tuesday night.
        day = local.weekday() if hour >= 5 else (local.weekday() - 1) % 7
        weekday[slot] = day
        part[slot] = 0 if 5 <= hour < 12 else 1 if hour < 17 else 2 if hour < 22 else 3
        if hour < 5:
            part[slot] = 3
    return weekday, part


def describe_times(shared: npt.NDArray[np.bool_], zone: str, week_start: date) -> str:
    """The shared slots in words, in `zone`: "Tue and Thu evenings, Sat morning"."""
    if not shared.any():
        return ""
    weekday, part = _slot_local(zone, week_start)
    counts = np.zeros((7, 4), dtype=np.int32)
    np.add.at(counts, (weekday[shared], part[shared]), 1)
    # The parts of the day that hold most of the time, at most three phrases.
    order = sorted(
        ((int(counts[d, p]), p, d) for d in range(7) for p in range(4) if counts[d, p] >= 2),
        reverse=True,
    )
    if not order:
        order = [(int(counts[d, p]), p, d) for d in range(7) for p in range(4) if counts[d, p]]
    by_part: dict[int, list[int]] = {}
    for _, p, d in order[:6]:
        by_part.setdefault(p, []).append(d)
    phrases = []
    for p, days in sorted(
        by_part.items(), key=lambda item: -sum(counts[d, item[0]] for d in item[1])
    ):
        days = sorted(days)
        noun = PARTS_OF_DAY[p][2] if len(days) > 1 else PARTS_OF_DAY[p][1]
        phrases.append(f"{_join([DAY_NAMES[d] for d in days])} {noun}")
    return ", ".join(phrases[:3])


class PageLookup:
    """Mentors' levels for the mentee's wanted skills, languages and industries, looked
    up once per column for a whole page of mentors rather than once per card."""

    def __init__(self, offers: Offers, positions: npt.ArrayLike) -> None:
        self.offers = offers
        self.positions = np.asarray(positions, dtype=np.int32)
        self.row = {int(p): i for i, p in enumerate(self.positions)}
        self._columns: dict[tuple[str, int], npt.NDArray[np.uint8]] = {}

    def value(self, kind: str, col: int, position: int) -> int:
        key = (kind, col)
        if key not in self._columns:
            self._columns[key] = getattr(self.offers, kind).lookup(col, self.positions)
        return int(self._columns[key][self.row[position]])


def explain(
    *,
    index: MentorIndex,
    position: int,
    scored: Scored,
    seeker: Seekers,
    facts: SeekerFacts,
    weights: Weights,
    voice: str = "mentee",
    mentee_name: str = "",
    reader_zone: str | None = None,
    lookup: PageLookup | None = None,
) -> Explanation:
    """Each criterion's contribution and the facts behind it, for one mentor.

    `voice` "mentee" speaks to the mentee ("your skills"); "mentor" speaks to
    the mentor about the mentee ("Ana's skills"). `reader_zone` is the zone
    times are told in (the reader's own).
    """
    offers, vocab = index.offers, index.vocab
    lookup = lookup or PageLookup(offers, [position])
    you = "you" if voice == "mentee" else mentee_name
    your = "your" if voice == "mentee" else f"{mentee_name}'s"
    they = "They" if voice == "mentee" else "You"
    zone = reader_zone or facts.time_zone
    values = {name: float(scored.values[name][position]) for name in CRITERIA}
    criteria: list[Criterion] = []

    # Skills.
    cols, importance = seeker.wanted.row(0)
    must_cols = set(seeker.must.row(0)[0].tolist())
    skill_facts: list[str] = []
    covered: list[str] = []
    missing: list[str] = []
    by_importance = sorted(
        zip(cols.tolist(), importance.tolist(), strict=True), key=lambda pair: -pair[1]
    )
    for col, _ in by_importance:
        level = lookup.value("skills", col, position)
        name = vocab.skill_names[col]
        if level:
            covered.append(f"{name} ({level}/5)")
        else:
            missing.append(name + (" (must-have)" if col in must_cols else ""))
    if len(cols):
        skill_facts.append(
            f"{len(covered)} of {your} {len(cols)} wanted skills"
            + (f": {_join(covered)}" if covered else "")
        )
        if missing:
            skill_facts.append(f"Not listed: {_join(missing)}")
    names = [item.rsplit(" (", 1)[0] for item in covered]
    shown = _join(names) if len(names) <= 3 else f"{', '.join(names[:2])} +{len(names) - 2} more"
    criteria.append(
        _criterion(
            "skills", weights, values, skill_facts, active=bool(len(cols)), good=bool(covered),
            short=f"{shown}: {len(covered)} of {your} {len(cols)} skills" if covered else "",
        )
    )  # fmt: skip

    # Industry.
    ind_cols = seeker.industries.row(0)[0].tolist()
    matched = [vocab.industry_names[c] for c in ind_cols if lookup.value("industries", c, position)]
    ind_facts = []
    if ind_cols:
        if matched:
            # Their own industry stands in when the persona names none: nobody "asked".
            source = f"like {you}" if facts.uses_own_industry else "as asked"
            ind_facts.append(f"Knows {_join(matched)}, {source}")
        else:
            named = _join([vocab.industry_names[c] for c in ind_cols])
            ind_facts.append(f"Not from {named}")
    criteria.append(
        _criterion(
            "industry", weights, values, ind_facts, active=bool(ind_cols), good=bool(matched),
            short=f"Knows {_join(matched)}",
        )
    )  # fmt: skip

    # Experience.
    level = int(offers.seniority[position])
    years = int(offers.years[position])
    exp_facts = []
    if level:
        exp_facts.append(SENIORITY_LABELS.get(level, ""))
    if years >= 0:
        exp_facts.append(f"{years}{'+' if years >= MAX_YEARS else ''} years of experience")
    wanted_level = int(seeker.wanted_seniority[0])
    own_level = int(seeker.seniority[0])
    min_years = int(seeker.min_years[0])
    if wanted_level:
        exp_facts.append(
            f"{your.capitalize()} persona asks for {SENIORITY_LABELS[wanted_level].lower()}"
        )
    elif own_level and level:
        gap = level - own_level
        if gap > 0:
            exp_facts.append(f"{gap} level{'s' if gap > 1 else ''} above {you}")
        elif gap == 0:
            exp_facts.append(f"the same level as {you}")
        else:
            exp_facts.append(f"{-gap} level{'s' if gap < -1 else ''} below {you}")
    if min_years:
        exp_facts.append(f"{min_years}+ years asked for")
    active = bool(wanted_level or own_level or min_years)
    summary = [SENIORITY_LABELS.get(level, "")] if level else []
    if years >= 0:
        summary.append(f"{years} years")
    criteria.append(
        _criterion(
            "experience", weights, values, [f for f in exp_facts if f], active=active,
            good=values["experience"] >= 0.75, short=", ".join(summary),
        )
    )  # fmt: skip

    # Traits.
    wanted_traits = int(seeker.traits[0])
    has_traits = int(offers.traits[position])
    trait_facts = []
    shared = []
    if wanted_traits:
        shared = [
            TRAIT_LABELS[t] for b, t in enumerate(TRAITS) if wanted_traits & has_traits & 1 << b
        ]
        lacking = [
            TRAIT_LABELS[t] for b, t in enumerate(TRAITS) if wanted_traits & ~has_traits & 1 << b
        ]
        if shared:
            trait_facts.append(f"{_join(shared).capitalize()}, as {you} asked")
        if lacking:
            trait_facts.append(f"Not described as {_join(lacking)}")
    criteria.append(
        _criterion(
            "traits", weights, values, trait_facts, active=bool(wanted_traits),
            good=values["traits"] >= 0.5 and bool(wanted_traits),
            short=_join(shared).capitalize() + " style",
        )
    )  # fmt: skip

    # Languages.
    lang_cols, _ = seeker.languages.row(0)
    shared_langs = []
    asked_only = []  # languages the mentee asked for without speaking them
    for col in lang_cols.tolist():
        proficiency = lookup.value("languages", col, position)
        if proficiency:
            name = vocab.language_names[col]
            if int(vocab.language_ids[col]) in facts.spoken_languages:
                shared_langs.append((proficiency, name))
            else:
                asked_only.append(name)
    shared_langs.sort(reverse=True)
    lang_facts = []
    names = [name for _, name in shared_langs] + asked_only
    if shared_langs:
        spoken_both = [name for _, name in shared_langs]
        lang_facts.append(
            f"Both {'of you ' if voice == 'mentor' else ''}speak {_join(spoken_both)}"
        )
        best, best_name = shared_langs[0]
        if best < 3:
            lang_facts.append(f"{best_name} at a {PROFICIENCY_WORDS[best]} level")
    if asked_only:
        lang_facts.append(f"Speaks {_join(asked_only)}, as {you} asked")
    elif not len(lang_cols):
        lang_facts.append(f"{your.capitalize()} languages are not listed yet")
    criteria.append(
        _criterion(
            "languages", weights, values, lang_facts, active=bool(len(lang_cols)),
            good=bool(names) and values["languages"] >= 0.5,
            short=f"Speaks {_join(names)}",
        )
    )  # fmt: skip

    # Availability.
    hours = scored.shared_hours[position]
    shared_hours = None if np.isnan(hours) else float(hours)
    when = ""
    av_facts = []
    if shared_hours is not None:
        if seeker.slots is not None:
            when = describe_times(
                seeker.slots[0] & offers.slot_mask(position), zone, index.week_start
            )
        if shared_hours > 0:
            av_facts.append(
                f"{_hours(shared_hours)} a week of shared availability"
                + (f": {when}, your time" if when else "")
            )
        elif offers.has_slots[position]:
            av_facts.append("No shared hours in a normal week")
        else:
            av_facts.append(
                f"{they} have not given their availability yet"
                if voice == "mentee"
                else "Your availability is not given yet"
            )
        target = float(seeker.target_hours[0])
        av_facts.append(f"{_hours(target)} a week counts as a full fit")
    criteria.append(
        _criterion(
            "availability", weights, values, av_facts, active=shared_hours is not None,
            good=bool(shared_hours and shared_hours >= 1),
            short=(
                f"{_hours(shared_hours)}/week shared" + (f": {when}" if when else "")
                if shared_hours
                else ""
            ),
        )
    )  # fmt: skip

    # Formats and rhythm.
    wanted_formats = int(seeker.formats[0])
    offered = int(offers.formats[position])
    fmt_facts = []
    both: list[str] = []
    if wanted_formats:
        both = [
            FORMAT_LABELS[f] for b, f in enumerate(FORMATS) if wanted_formats & offered & 1 << b
        ]
        if both:
            fmt_facts.append(
                f"Meets by {_join(both)}, as {you} prefer{'s' if voice == 'mentor' else ''}"
            )
        else:
            fmt_facts.append("Prefers other ways of meeting")
    freq_wanted = int(seeker.frequency[0])
    freq = int(offers.frequency[position])
    if freq >= 0:
        rhythm = FREQUENCY_LABELS[FREQUENCIES[freq]]
        if freq_wanted >= 0 and freq_wanted != freq:
            fmt_facts.append(
                f"Meets {rhythm} ({you} asked for {FREQUENCY_LABELS[FREQUENCIES[freq_wanted]]})"
            )
        else:
            fmt_facts.append(f"Meets {rhythm}")
    criteria.append(
        _criterion(
            "formats", weights, values, fmt_facts, active=bool(wanted_formats or freq_wanted >= 0),
            good=values["formats"] >= 0.75 and bool(wanted_formats or freq_wanted >= 0),
            short=(_join(both).capitalize() + ", " if both else "")
            + (FREQUENCY_LABELS[FREQUENCIES[freq]] if freq >= 0 else ""),
        )
    )  # fmt: skip

    if voice == "mentor":
        # What the mentee left unsaid is theirs to add, not the mentor's.
        criteria = [
            replace(
                c,
                hint="",
                hint_url="",
                facts=[f"Not asked for by {mentee_name} yet: counts as neutral"],
            )
            if not c.active and c.key != "languages"
            else c
            for c in criteria
        ]
    score = float(scored.total[position])
    return Explanation(
        score=score,
        criteria=criteria,
        top=_top(criteria),
        shared_hours=shared_hours,
        shared_when=when,
        blockers=_blockers(scored, position, voice),
    )


def _criterion(
    key: str,
    weights: Weights,
    values: dict[str, float],
    facts: list[str],
    *,
    active: bool,
    good: bool,
    short: str = "",
) -> Criterion:
    value = values[key]
    return Criterion(
        key=key,
        label=CRITERION_LABELS[key],
        weight=weights[key],
        value=value,
        facts=facts if active or key == "languages" else ["Not asked for yet: counts as neutral"],
        active=active,
        good=good and active and value > NEUTRAL - 1e-9,
        hint="" if active else HINTS[key],
        hint_url="" if active else HINT_URLS[key],
        short=short or (facts[0] if facts else ""),
    )


def _top(criteria: list[Criterion]) -> list[Criterion]:
    """The three strongest reasons: criteria the mentee asked about that fit well."""
    ranked = sorted(
        (c for c in criteria if c.good and c.short), key=lambda c: c.contribution, reverse=True
    )
    return ranked[:3]


def _blockers(scored: Scored, position: int, voice: str) -> list[str]:
    out = []
    if scored.no_language[position]:
        out.append("You do not share a language." if voice == "mentee" else "No shared language.")
    if scored.must_unmet[position]:
        out.append("A must-have skill is missing.")
    if scored.closed[position]:
        out.append("Not taking new mentees right now.")
    return out
