"""The mentor index: every mentor as engine arrays, kept in each process.

Built from the database in a handful of queries (never a model instance, nor
even a row tuple per mentor: each column arrives joined into one text that
NumPy parses) and kept in the process between requests. Every write matching
reads stamps the person with a new `DataClock` version
(`profiles.services.mark_profiles_changed`); a browse reads the clock (one
primary-key query) and, when it moved, re-encodes only the people stamped
since the index's version and splices them in. A new UTC week (daylight-saving
changes move people's UTC hours) or a new skill, language or industry in the
taxonomy rebuilds the whole index.

So a change made in one process (a profile edit in a web worker, an accept in
a Celery worker) reaches every other process at its next browse, and no
process ranks from data older than its last clock read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.sql.compiler import SQLCompiler

from matching.engine.features import (
    FORMATS,
    FREQUENCIES,
    KINDS,
    MAX_YEARS,
    MUST_WEIGHT,
    SLOTS_PER_WEEK,
    TRAITS,
    Inverted,
    Offers,
    Rows,
    Seekers,
    bits,
    language_weight,
)
from matching.models import Mentorship, MentorshipRequest
from profiles.availability import (
    Window,
    utc_slot_mask,
    utc_slot_table,
    week_start_for,
)
from profiles.models import (
    AvailabilityWindow,
    DataClock,
    Expertise,
    Goal,
    Industry,
    Language,
    Persona,
    PersonaSkill,
    Profile,
    ProfileLanguage,
    Skill,
    User,
)

# Importance of a wanted skill by where it comes from (halves keep the engine exact).
GOAL_PRIORITY_WEIGHT: dict[int, float] = {
    Goal.Priority.HIGH: 1.5,
    Goal.Priority.MEDIUM: 1.0,
    Goal.Priority.LOW: 0.5,
}
NICE_WEIGHT = 1.0
DEFAULT_TARGET_HOURS = 2.0


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Skills, languages and industries as engine columns (sorted database ids)."""

    skill_ids: npt.NDArray[np.int64]
    skill_names: tuple[str, ...]
    language_ids: npt.NDArray[np.int64]
    language_names: tuple[str, ...]
    industry_ids: npt.NDArray[np.int64]
    industry_names: tuple[str, ...]

    @classmethod
    def load(cls) -> Vocabulary:
        skills = list(Skill.objects.order_by("pk").values_list("pk", "name"))
        languages = list(Language.objects.order_by("pk").values_list("pk", "name"))
        industries = list(Industry.objects.order_by("pk").values_list("pk", "name"))
        return cls(
            np.array([pk for pk, _ in skills], dtype=np.int64),
            tuple(name for _, name in skills),
            np.array([pk for pk, _ in languages], dtype=np.int64),
            tuple(name for _, name in languages),
            np.array([pk for pk, _ in industries], dtype=np.int64),
            tuple(name for _, name in industries),
        )

    @staticmethod
    def _columns(ids: npt.NDArray[np.int64], wanted: Iterable[int]) -> npt.NDArray[np.int32]:
        wanted = (
            wanted.astype(np.int64, copy=False)
            if isinstance(wanted, np.ndarray)
            else np.fromiter(wanted, dtype=np.int64)
        )
        cols, known = _Locator(ids)(wanted)
        if not known.all():
            raise KeyError("not in the vocabulary")
        return cols

    def skill_cols(self, ids: Iterable[int]) -> npt.NDArray[np.int32]:
        return self._columns(self.skill_ids, ids)

    def language_cols(self, ids: Iterable[int]) -> npt.NDArray[np.int32]:
        return self._columns(self.language_ids, ids)

    def industry_cols(self, ids: Iterable[int]) -> npt.NDArray[np.int32]:
        return self._columns(self.industry_ids, ids)

    def skill_col(self, pk: int) -> int | None:
        return _col_or_none(self.skill_ids, pk)

    def language_col(self, pk: int) -> int | None:
        return _col_or_none(self.language_ids, pk)

    def industry_col(self, pk: int) -> int | None:
        return _col_or_none(self.industry_ids, pk)


def _col_or_none(ids: npt.NDArray[np.int64], pk: int) -> int | None:
    col = int(np.searchsorted(ids, pk))
    return col if col < len(ids) and ids[col] == pk else None


class VocabularyChanged(Exception):
    """Someone uses a skill, language or industry added after the index was built."""


@dataclass
class MentorIndex:
    vocab: Vocabulary
    offers: Offers
    week_start: date
    version: int
    taxonomy: int = 0  # DataClock.taxonomy_version the vocabulary was read at
    _order: npt.NDArray[np.intp] = field(init=False, repr=False)
    _peer_seekers: Seekers | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._order = np.argsort(self.offers.ids, kind="stable")

    def position(self, user_id: int) -> int | None:
        """Where the mentor with this user id sits, or None when not indexed."""
        ids = self.offers.ids
        found = int(np.searchsorted(ids[self._order], user_id))
        if found < len(ids) and ids[self._order[found]] == user_id:
            return int(self._order[found])
        return None

    def peer_seekers(self) -> Seekers:
        """Every indexed mentor as a mentee (for peer programmes), built when first needed."""
        if self._peer_seekers is None:
            self._peer_seekers = load_seekers(
                self.vocab, self.week_start, [int(i) for i in self.offers.ids], with_slots=False
            )
        return self._peer_seekers


# --- Loading mentors --------------------------------------------------------------------


def _mentors(profile_ids: Sequence[int] | None = None) -> QuerySet[Profile]:
    # The few inactive accounts as a subquery, not a join with every user (PostgreSQL
    # builds a hash of all users for the join: 7 of the build's 30 ms on 10k mentors).
    inactive = User.objects.filter(is_active=False).values("pk")
    mentors = Profile.objects.filter(is_mentor=True).exclude(user_id__in=inactive)
    return mentors if profile_ids is None else mentors.filter(pk__in=profile_ids)


def load_offers(
    vocab: Vocabulary, week_start: date, profile_ids: Sequence[int] | None = None
) -> Offers:
    """Mentors (all, or these profiles when still mentors) as engine arrays.

    7 queries (the last two count live mentorships and open requests per
    mentor), and for all mentors one more: the number of profiles.
    """
    mentors = _mentors(profile_ids)
    frequency = Case(
        *(When(session_frequency=name, then=Value(i + 1)) for i, name in enumerate(FREQUENCIES)),
        default=Value(0),
    )
    # Small fields travel packed into one number (fewer values to join and parse):
    # 16 bits hold a small-integer field, and the check constraints keep years at
    # most 70 and capacity at most 20 anyway.
    small = _packed(
        (Coalesce("seniority", 0), 0),
        (Coalesce("years_experience", -1) + 1, 16),
        (F("capacity"), 16),
        (Cast("accepting_mentees", IntegerField()), 1),
        (frequency, 3),
    )
    # JSON lists come back as their text: reading the few known words out of it is
    # several times faster than decoding 10k small JSON documents.
    (pks, user_ids, packed, paused_until, own_industry), (
        traits_text, formats_text, kinds_text, zones,
    ) = _columns(
        mentors,
        (
            F("pk"), F("user_id"), small, Coalesce(_DayNumber("paused_until"), 0),
            Coalesce("industry_id", -1),
        ),
        (
            Cast("traits", TextField()), Cast("formats", TextField()),
            Cast("mentoring_kinds", TextField()), F("time_zone"),
        ),
        same_sql_as="mentors" if profile_ids is None else None,
    )  # fmt: skip
    seniority, years_1, capacity, accepting, frequency_1 = _unpacked(packed, 16, 16, 1, 3)
    # The database hands rows over in any order; positions follow the profile ids.
    order = np.argsort(pks, kind="stable")
    profile_pks = pks[order]
    n = len(profile_pks)
    locate = _Locator(profile_pks)
    # Rows of people the first query left out are dropped on arrival, so a full
    # build may read a table whole: a join costs a lookup of the profile per row,
    # more than reading the row itself (SQLite: 20 of 80 ms on 10k mentors). Only
    # mentees' languages and windows are worth the join, when they are the many.
    # Expertise and mentored industries are mentors' own, bar former mentors'.
    mostly_mentees = profile_ids is None and bool(n) and Profile.objects.count() > 2 * n

    def links(
        queryset: Any, *fields: Any, mentor_side: bool = False
    ) -> tuple[npt.NDArray[np.int32], list[npt.NDArray[np.int64]]]:
        """The positions of the rows' people and the fields, for people the first query read."""
        if not n:
            return np.zeros(0, dtype=np.int32), [np.zeros(0, dtype=np.int64) for _ in fields]
        if profile_ids is not None:
            queryset = queryset.filter(profile_id__in=profile_pks.tolist())
        elif not mentor_side and mostly_mentees:
            queryset = queryset.filter(profile__is_mentor=True)
        wanted = [F(field) if isinstance(field, str) else field for field in fields]
        owners, *columns = _columns(
            queryset,
            [F("profile_id"), *wanted],
            [],
            same_sql_as=f"{queryset.model._meta.db_table}:{mostly_mentees}"
            if profile_ids is None
            else None,
        )[0]
        # Rows of people the first query left out (an inactive account) are dropped.
        found, inside = locate(owners)
        return found[inside], [column[inside] for column in columns]

    def bits_of(texts: list[str], names: Sequence[str]) -> npt.NDArray[np.uint8]:
        # A few distinct texts repeat across thousands of people.
        bits = {text: _text_bits(text, names) for text in dict.fromkeys(texts)}
        return np.fromiter(map(bits.__getitem__, texts), dtype=np.uint8, count=n)[order]

    try:
        # Levels are 1 to 5 (a check constraint): three bits under the skill id.
        owners, (skill_level,) = links(
            Expertise.objects, _packed((F("skill_id"), 0), (F("level"), 3)), mentor_side=True
        )
        skill, level = _unpacked(skill_level, 3)
        skills = Inverted.build(owners, vocab.skill_cols(skill), level, len(vocab.skill_ids))
        owners, (language, proficiency) = links(
            ProfileLanguage.objects, "language_id", "proficiency"
        )
        languages = Inverted.build(
            owners, vocab.language_cols(language), proficiency, len(vocab.language_ids)
        )
        owners, (industry,) = links(
            Profile.mentor_industries.through.objects, "industry_id", mentor_side=True
        )
        own = own_industry[order]
        columns = len(vocab.industry_ids)
        pairs = np.concatenate([owners, np.flatnonzero(own >= 0)]).astype(np.int64) * columns
        pairs += vocab.industry_cols(np.concatenate([industry, own[own >= 0]]))
        # One industry once per person, whether they work in it or mentor it or both.
        pairs.sort()
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs
        industries = Inverted.build(pairs // columns, pairs % columns, np.ones(len(pairs)), columns)
    except KeyError as error:
        raise VocabularyChanged from error
    # Minutes are at most 1440 (a check constraint): eleven bits each.
    owners, (window,) = links(
        AvailabilityWindow.objects,
        _packed((F("weekday"), 0), (F("start_minute"), 11), (F("end_minute"), 11)),
    )
    zone_names = list(dict.fromkeys(zones))
    code_of = {zone: code for code, zone in enumerate(zone_names)}
    zone_codes = np.fromiter(map(code_of.__getitem__, zones), dtype=np.int32, count=n)[order]
    weekday, start_minute, end_minute = _unpacked(window, 11, 11)
    slot_ptr, slot_start, slot_end = _utc_intervals(
        owners, weekday, start_minute, end_minute, zone_codes, zone_names, week_start
    )
    return Offers(
        ids=user_ids[order],
        skills=skills,
        languages=languages,
        industries=industries,
        traits=bits_of(traits_text, TRAITS),
        formats=bits_of(formats_text, FORMATS),
        kinds=bits_of(kinds_text, KINDS),
        frequency=(frequency_1[order] - 1).astype(np.int8),
        seniority=seniority[order].astype(np.int8),
        years=np.minimum(years_1[order] - 1, MAX_YEARS).astype(np.int8),
        capacity=np.minimum(capacity[order], 255).astype(np.uint8),
        taken=_per_mentor(
            Mentorship.objects.live(), user_ids[order], partial=profile_ids is not None
        ),
        pending=_per_mentor(
            MentorshipRequest.objects.pending(), user_ids[order], partial=profile_ids is not None
        ),
        accepting=accepting[order].astype(bool),
        paused_until=paused_until[order].astype(np.int32),
        slot_ptr=slot_ptr,
        slot_start=slot_start,
        slot_end=slot_end,
    )


def _per_mentor(
    queryset: QuerySet[Any], ids: npt.NDArray[np.int64], *, partial: bool
) -> npt.NDArray[np.uint8]:
    """How many of these rows each mentor (by user id, in `ids` order) has: one query."""
    out = np.zeros(len(ids), dtype=np.uint8)
    if not len(ids):
        return out
    if partial:
        queryset = queryset.filter(mentor_id__in=ids.tolist())
    counted = list(
        queryset.order_by()
        .values("mentor_id")
        .annotate(count=Count("pk"))
        .values_list("mentor_id", "count")
    )
    if counted:
        who, count = np.array(counted, dtype=np.int64).T
        sorter = np.argsort(ids, kind="stable")
        at = np.minimum(np.searchsorted(ids, who, sorter=sorter), len(ids) - 1)
        hit = ids[sorter[at]] == who
        out[sorter[at[hit]]] = np.minimum(count[hit], 255)
    return out


def _packed(*parts: tuple[Any, int]) -> Any:
    """Whole numbers in one: each part after the first takes its number of low bits.

    Every part is at least 0 and every part after the first fits its bits; the
    first takes what is left of 63 bits.
    """
    (first, _), *rest = parts
    packed = Cast(first, BigIntegerField())
    for part, width in rest:
        packed = packed * Value(1 << width) + part
    return packed


def _unpacked(packed: npt.NDArray[np.int64], *widths: int) -> list[npt.NDArray[np.int64]]:
    """The parts of `_packed` numbers, given the bits of each part after the first."""
    parts = []
    for width in reversed(widths):
        parts.append(packed & ((1 << width) - 1))
        packed = packed >> width
    return [packed, *reversed(parts)]


class _Locator:
    """Where ids sit in a sorted array of distinct ids, and whether they are in it at all."""

    # A table by id while it stays this small per id held (database ids are dense).
    TABLE_PER_ID = 64

    def __init__(self, ids: npt.NDArray[np.int64]) -> None:
        self.ids = ids
        self.table: npt.NDArray[np.int32] | None = None
        if len(ids) and ids[0] >= 0 and ids[-1] < self.TABLE_PER_ID * len(ids) + 65536:
            self.table = np.full(int(ids[-1]) + 1, -1, dtype=np.int32)
            self.table[ids] = np.arange(len(ids), dtype=np.int32)

    def __call__(
        self, wanted: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
        if self.table is not None:
            # One gather instead of a binary search per id.
            known = (wanted >= 0) & (wanted < len(self.table))
            found = self.table[np.where(known, wanted, 0)]
            return found, known & (found >= 0)
        if not len(self.ids):
            return np.zeros(len(wanted), dtype=np.int32), np.zeros(len(wanted), dtype=bool)
        found = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        return found.astype(np.int32), self.ids[found] == wanted


# Separates texts in one aggregated value: JSON text and time-zone names never hold it.
_UNIT_SEPARATOR = "\x1f"


class _Joined(Aggregate):
    """A column of every row as one text, numbers joined by commas (texts by `_UNIT_SEPARATOR`).

    GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL. NULLs are left out, so
    callers coalesce them first.
    """

    function = "GROUP_CONCAT"
    output_field = TextField()

    def __init__(self, expression: Any, *, texts: bool = False) -> None:
        super().__init__(expression)
        # A literal, not a parameter: SQLite takes twice as long with a bound separator.
        self.separator = _UNIT_SEPARATOR if texts else ","

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        template = f"GROUP_CONCAT(%(expressions)s, '{self.separator}')"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        template = f"STRING_AGG((%(expressions)s)::text, '{self.separator}')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class _DayNumber(Func):
    """A date as `date.toordinal()` (1 for 1 January of year 1)."""

    output_field = IntegerField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        # julianday() of a midnight is N.5; 1 January of year 1 is day 1721425.5.
        template = "CAST(julianday(%(expressions)s) - 1721424.5 AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        template = "((%(expressions)s) - DATE '0001-01-01' + 1)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


# The full build's queries are the same every time: compiled once per database.
_compiled: dict[tuple[str, str], tuple[str, Sequence[Any]]] = {}


def _columns(
    queryset: QuerySet[Any],
    numbers: Sequence[Any],
    texts: Sequence[Any],
    *,
    same_sql_as: str | None = None,
) -> tuple[list[npt.NDArray[np.int64]], list[list[str]]]:
    """Columns of every row as arrays of whole numbers and lists of texts, in one query.

    The database joins each column into one value (see `_Joined`), so thousands
    of rows cost a few long texts instead of a Python tuple and an int per cell.
    Every aggregate of a query reads the same rows in the same order, so the
    columns line up; a count in the same query checks that none lost a value.
    Calls naming the same `same_sql_as` reuse the first one's SQL: resolving and
    compiling these expressions took Django about 2 ms a query.
    """
    if connections[queryset.db].vendor not in ("sqlite", "postgresql"):
        raise NotSupportedError("The mentor index reads SQLite or PostgreSQL.")
    key = (queryset.db, same_sql_as or "")
    compiled = _compiled.get(key) if same_sql_as else None
    if compiled is None:
        names = [f"c{i}" for i in range(len(numbers) + len(texts))]
        joined = [_Joined(number) for number in numbers] + [
            _Joined(Coalesce(text, Value("")), texts=True) for text in texts
        ]
        # A constant to group by: one row of aggregates over all rows, no GROUP BY.
        aggregated = (
            queryset.order_by()
            .values(_all=Value(1))
            .annotate(rows=Count("*"), **dict(zip(names, joined, strict=True)))
            .values_list("rows", *names)
        )
        try:
            compiled = aggregated.query.sql_with_params()
        except EmptyResultSet:  # filtered by an empty list
            compiled = None
        if compiled is not None and same_sql_as:
            _compiled[key] = compiled
    rows, joined_values = 0, [""] * (len(numbers) + len(texts))
    if compiled is not None:
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(*compiled)
            rows, *found = cursor.fetchone()
        joined_values = [value or "" for value in found]
    arrays = [
        np.fromstring(value, dtype=np.int64, sep=",") for value in joined_values[: len(numbers)]
    ]
    lists: list[list[str]] = [
        value.split(_UNIT_SEPARATOR) if rows else [] for value in joined_values[len(numbers) :]
    ]
    if any(len(array) != rows for array in arrays) or any(len(items) != rows for items in lists):
        raise ValueError("A column lost or gained values on the way from the database.")
    return arrays, lists


def _text_bits(text: str | None, names: Sequence[str]) -> int:
    """The bitset of a JSON list of names, read from its text ('["direct", "structured"]')."""
    if not text:
        return 0
    out = 0
    for bit, name in enumerate(names):
        if f'"{name}"' in text:
            out |= 1 << bit
    return out


def _utc_intervals(
    owners: npt.NDArray[np.int32],
    weekday: npt.NDArray[np.int64],
    start_minute: npt.NDArray[np.int64],
    end_minute: npt.NDArray[np.int64],
    zone_codes: npt.NDArray[np.int32],
    zone_names: Sequence[str],
    week_start: date,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint16], npt.NDArray[np.uint16]]:
    """Local weekly windows as UTC slot intervals per person (person p in zone_codes[p]).

    Each window is placed on the local dates of its weekday around the UTC week
    (a zone far from UTC puts part of its week in the neighbouring UTC days),
    converted through the zone's quarter-hour table and clipped to the week.
    """
    n = len(zone_codes)
    out_owner, out_start, out_end = [], [], []
    if zone_names and len(owners):
        # Every zone's quarter-hour table stacked and flat: zone, local day, quarter.
        tables = np.stack([utc_slot_table(zone, week_start) for zone in zone_names]).ravel()
        day_cell = (zone_codes[owners].astype(np.int64) * 9 + weekday + 1) * 97
        start_q, end_q = start_minute // 15, end_minute // 15
        for shift in (-7, 0, 7):
            offset = weekday + shift
            ok = (offset >= -1) & (offset <= 7)
            cell = day_cell[ok] + shift * 97
            start = np.clip(tables[cell + start_q[ok]], 0, SLOTS_PER_WEEK)
            end = np.clip(tables[cell + end_q[ok]], 0, SLOTS_PER_WEEK)
            keep = start < end
            out_owner.append(owners[ok][keep])
            out_start.append(start[keep])
            out_end.append(end[keep])
    owner_all = np.concatenate(out_owner) if out_owner else np.zeros(0, dtype=np.int32)
    start_all = np.concatenate(out_start) if out_start else np.zeros(0, dtype=np.int32)
    end_all = np.concatenate(out_end) if out_end else np.zeros(0, dtype=np.int32)
    # By person, then start (a slot index below 1024).
    order = np.argsort(owner_all.astype(np.int64) * 1024 + start_all, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(owner_all, minlength=n), out=ptr[1:])
    return ptr, start_all[order].astype(np.uint16), end_all[order].astype(np.uint16)


# --- Loading mentees ----------------------------------------------------------------------


@dataclass(frozen=True)
class SeekerFacts:
    """What explanations say about a mentee beyond the arrays."""

    user_id: int
    time_zone: str
    has_persona: bool
    has_goals: bool
    uses_own_industry: bool  # no persona industries: their own industry stands in
    spoken_languages: frozenset[int] = frozenset()  # language ids they speak themselves


def load_seekers(
    vocab: Vocabulary, week_start: date, user_ids: Sequence[int], *, with_slots: bool = True
) -> Seekers:
    return _load_seekers(vocab, week_start, user_ids, with_slots=with_slots)[0]


def load_seeker(vocab: Vocabulary, week_start: date, user_id: int) -> tuple[Seekers, SeekerFacts]:
    seekers, facts = _load_seekers(vocab, week_start, [user_id], with_slots=True)
    return seekers, facts[0]


def _load_seekers(
    vocab: Vocabulary, week_start: date, user_ids: Sequence[int], *, with_slots: bool
) -> tuple[Seekers, list[SeekerFacts]]:
    """People as mentees, in the order of `user_ids`: 9 queries whatever their number."""
    n = len(user_ids)
    row_of = {uid: p for p, uid in enumerate(user_ids)}
    profiles = {
        row[0]: row[1:]
        for row in Profile.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "pk", "seniority", "time_zone", "industry_id"
        )
    }
    personas = {
        row[0]: row[1:]
        for row in Persona.objects.filter(owner_id__in=user_ids).values_list(
            "owner_id", "pk", "traits", "formats", "frequency", "seniority",
            "min_years_experience", "min_shared_hours",
        )
    }  # fmt: skip
    persona_owner = {values[0]: owner for owner, values in personas.items()}
    wanted: list[dict[int, float]] = [{} for _ in range(n)]
    must: list[set[int]] = [set() for _ in range(n)]
    for persona_id, skill_id, importance in PersonaSkill.objects.filter(
        persona_id__in=persona_owner
    ).values_list("persona_id", "skill_id", "importance"):
        p = row_of[persona_owner[persona_id]]
        weight = MUST_WEIGHT if importance == PersonaSkill.Importance.MUST else NICE_WEIGHT
        wanted[p][skill_id] = max(wanted[p].get(skill_id, 0.0), weight)
        if importance == PersonaSkill.Importance.MUST:
            must[p].add(skill_id)
    has_goals = set(
        Goal.objects.filter(owner_id__in=user_ids, status=Goal.Status.ACTIVE).values_list(
            "owner_id", flat=True
        )
    )
    for owner_id, skill_id, priority in Goal.skills.through.objects.filter(
        goal__owner_id__in=user_ids, goal__status=Goal.Status.ACTIVE
    ).values_list("goal__owner_id", "skill_id", "goal__priority"):
        p = row_of[owner_id]
        weight = GOAL_PRIORITY_WEIGHT.get(priority, 1.0)
        wanted[p][skill_id] = max(wanted[p].get(skill_id, 0.0), weight)
    wanted_industries: list[set[int]] = [set() for _ in range(n)]
    for persona_id, industry_id in Persona.industries.through.objects.filter(
        persona_id__in=persona_owner
    ).values_list("persona_id", "industry_id"):
        wanted_industries[row_of[persona_owner[persona_id]]].add(industry_id)
    preferred: list[set[int]] = [set() for _ in range(n)]
    for persona_id, language_id in Persona.languages.through.objects.filter(
        persona_id__in=persona_owner
    ).values_list("persona_id", "language_id"):
        preferred[row_of[persona_owner[persona_id]]].add(language_id)
    spoken: list[dict[int, int]] = [{} for _ in range(n)]
    windows: list[list[Window]] = [[] for _ in range(n)]
    profile_owner = {values[0]: uid for uid, values in profiles.items()}
    for profile_id, language_id, proficiency in ProfileLanguage.objects.filter(
        profile_id__in=profile_owner
    ).values_list("profile_id", "language_id", "proficiency"):
        spoken[row_of[profile_owner[profile_id]]][language_id] = proficiency
    if with_slots:
        for profile_id, weekday, start, end in AvailabilityWindow.objects.filter(
            profile_id__in=profile_owner
        ).values_list("profile_id", "weekday", "start_minute", "end_minute"):
            windows[row_of[profile_owner[profile_id]]].append(Window(weekday, start, end))

    facts = []
    w_rows, w_cols, w_vals, m_rows, m_cols = [], [], [], [], []
    l_rows, l_cols, l_vals, i_rows, i_cols = [], [], [], [], []
    traits, formats, frequency, seniority, wanted_seniority, min_years, target = (
        [], [], [], [], [], [], [],
    )  # fmt: skip
    slots = np.zeros((n, SLOTS_PER_WEEK), dtype=bool) if with_slots else None
    try:
        for p, uid in enumerate(user_ids):
            profile = profiles.get(uid)
            persona = personas.get(uid)
            zone = profile[2] if profile else "UTC"
            for skill_id, weight in wanted[p].items():
                w_rows.append(p)
                w_cols.append(int(vocab.skill_cols([skill_id])[0]))
                w_vals.append(weight)
            for skill_id in must[p]:
                m_rows.append(p)
                m_cols.append(int(vocab.skill_cols([skill_id])[0]))
            any_preferred = bool(preferred[p])
            for language_id, proficiency in spoken[p].items():
                l_rows.append(p)
                l_cols.append(int(vocab.language_cols([language_id])[0]))
                l_vals.append(
                    language_weight(
                        proficiency,
                        preferred=language_id in preferred[p],
                        any_preferred=any_preferred,
                    )
                )
            # A language asked for but not listed as one's own still counts.
            for language_id in preferred[p] - set(spoken[p]):
                l_rows.append(p)
                l_cols.append(int(vocab.language_cols([language_id])[0]))
                l_vals.append(1.0)
            industries = wanted_industries[p]
            uses_own = not industries and profile is not None and profile[3] is not None
            if uses_own and profile is not None:
                industries = {profile[3]}
            for industry_id in industries:
                i_rows.append(p)
                i_cols.append(int(vocab.industry_cols([industry_id])[0]))
            traits.append(bits(persona[1] or (), TRAITS) if persona else 0)
            formats.append(bits(persona[2] or (), FORMATS) if persona else 0)
            frequency.append(
                FREQUENCIES.index(persona[3]) if persona and persona[3] in FREQUENCIES else -1
            )
            seniority.append((profile[1] or 0) if profile else 0)
            wanted_seniority.append((persona[4] or 0) if persona else 0)
            min_years.append(min(persona[5] or 0, MAX_YEARS) if persona else 0)
            target.append(float(persona[6]) if persona and persona[6] else DEFAULT_TARGET_HOURS)
            if slots is not None and windows[p]:
                slots[p] = utc_slot_mask(windows[p], zone, week_start)
            facts.append(
                SeekerFacts(
                    user_id=uid,
                    time_zone=zone,
                    has_persona=persona is not None,
                    has_goals=uid in has_goals,
                    uses_own_industry=uses_own,
                    spoken_languages=frozenset(spoken[p]),
                )
            )
    except KeyError as error:
        raise VocabularyChanged from error
    seekers = Seekers(
        ids=np.array(user_ids, dtype=np.int64),
        wanted=Rows.build(w_rows, w_cols, w_vals, n),
        must=Rows.build(m_rows, m_cols, np.ones(len(m_rows)), n),
        languages=Rows.build(l_rows, l_cols, l_vals, n),
        industries=Rows.build(i_rows, i_cols, np.ones(len(i_rows)), n),
        traits=np.array(traits, dtype=np.uint8),
        formats=np.array(formats, dtype=np.uint8),
        frequency=np.array(frequency, dtype=np.int8),
        seniority=np.array(seniority, dtype=np.int8),
        wanted_seniority=np.array(wanted_seniority, dtype=np.int8),
        min_years=np.array(min_years, dtype=np.int8),
        target_hours=np.array(target, dtype=np.float32),
        slots=slots,
    )
    return seekers, facts


# --- The per-process cache ------------------------------------------------------------------

_lock = threading.Lock()
_index: MentorIndex | None = None
_seekers: OrderedDict[tuple[int, int, date, int], tuple[Seekers, SeekerFacts]] = OrderedDict()
SEEKER_CACHE_SIZE = 2048
# More re-encoded mentors than this (or a quarter of the index) rebuild it whole.
BULK_REFRESH = 1000


def clock_versions() -> tuple[int, int]:
    """The DataClock's data and taxonomy versions (0, 0 before the first change)."""
    row = DataClock.objects.filter(pk=1).values_list("version", "taxonomy_version").first()
    return (row[0], row[1]) if row else (0, 0)


def build_index(*, version: int, week_start: date, taxonomy: int = 0) -> MentorIndex:
    vocab = Vocabulary.load()
    return MentorIndex(vocab, load_offers(vocab, week_start), week_start, version, taxonomy)


def _refresh(index: MentorIndex, version: int) -> MentorIndex:
    """Re-encode the people stamped after the index's version and splice them in."""
    changed = list(
        Profile.objects.filter(data_version__gt=index.version).values_list(
            "pk", "user_id", "is_mentor", "user__is_active"
        )
    )
    relevant = [
        (pk, uid)
        for pk, uid, mentor, active in changed
        if (mentor and active) or index.position(uid) is not None
    ]
    if len(relevant) > max(BULK_REFRESH, len(index.offers) // 4):
        # A bulk change (an import, seed_demo): one full build beats splicing.
        return build_index(version=version, week_start=index.week_start, taxonomy=index.taxonomy)
    offers = index.offers
    fresh_ids: list[int] = []
    if relevant:
        fresh = load_offers(index.vocab, index.week_start, [pk for pk, _ in relevant])
        fresh_ids = [int(uid) for uid in fresh.ids]
        offers = offers.replace_people([uid for _, uid in relevant], fresh if len(fresh) else None)
    # Deleted people leave no stamp behind; the mentor count tells (one COUNT).
    if len(offers) != _mentors().count():
        present = np.fromiter(_mentors().values_list("user_id", flat=True), dtype=np.int64)
        offers = offers.replace_people(np.setdiff1d(offers.ids, present), None)
    if offers is index.offers:
        # Only mentees (or other non-mentors) changed: no re-sorting.
        index.version = version
        return index
    refreshed = MentorIndex(index.vocab, offers, index.week_start, version, index.taxonomy)
    if index._peer_seekers is not None:
        # Peer programmes read mentors as mentees too: splice their rows the same way,
        # so positions still line up (kept rows in order, re-encoded ones at the end).
        indexed = set(offers.ids.tolist())
        appended = [uid for uid in fresh_ids if uid in indexed]
        dropped = np.setdiff1d(index.offers.ids, offers.ids)
        refreshed._peer_seekers = index._peer_seekers.replace_people(
            np.union1d(dropped, np.array([uid for _, uid in relevant], dtype=np.int64)),
            load_seekers(index.vocab, index.week_start, appended, with_slots=False)
            if appended
            else None,
        )
    return refreshed


def current_index(
    *, now: datetime, version: int | None = None, taxonomy: int | None = None
) -> MentorIndex:
    """This process's index, brought up to the database's version (one query when current)."""
    global _index
    if version is None or taxonomy is None:
        version, taxonomy = clock_versions()
    week_start = week_start_for(now)
    with _lock:
        index = _index
        same_week = index is not None and index.week_start == week_start
        current = index is not None and same_week and index.taxonomy == taxonomy
        if current and index is not None and version <= index.version:
            # Current, or another thread refreshed past what this one read.
            return index
        try:
            if index is None or not same_week or index.taxonomy != taxonomy:
                index = build_index(version=version, week_start=week_start, taxonomy=taxonomy)
            else:
                index = _refresh(index, version)
        except VocabularyChanged:
            index = build_index(version=version, week_start=week_start, taxonomy=taxonomy)
        _index = index
        return index


def seeker_for(
    index: MentorIndex, *, user_id: int, data_version: int
) -> tuple[Seekers, SeekerFacts]:
    """The person as a mentee, cached in the process until their data changes."""
    key = (user_id, data_version, index.week_start, id(index.vocab))
    with _lock:
        cached = _seekers.get(key)
        if cached is not None:
            _seekers.move_to_end(key)
            return cached
    try:
        loaded = load_seeker(index.vocab, index.week_start, user_id)
    except VocabularyChanged:
        # A brand-new skill: the index must learn it first.
        forget()
        raise
    with _lock:
        _seekers[key] = loaded
        while len(_seekers) > SEEKER_CACHE_SIZE:
            _seekers.popitem(last=False)
    return loaded


def forget() -> None:
    """Drop this process's index and cached mentees (tests; a fresh start)."""
    global _index
    with _lock:
        _index = None
        _seekers.clear()


def refresh_people(user_ids: Sequence[int]) -> None:
    """Re-encode these people now: the database disagreed with this process's index.

    A write that was not stamped (or not yet visible when the index was read)
    would otherwise keep a full or departed mentor on someone's page.
    """
    global _index
    with _lock:
        index = _index
        if index is None or not user_ids:
            return
        profile_ids = list(
            Profile.objects.filter(user_id__in=user_ids).values_list("pk", flat=True)
        )
        fresh = load_offers(index.vocab, index.week_start, profile_ids)
        offers = index.offers.replace_people(list(user_ids), fresh if len(fresh) else None)
        _index = MentorIndex(index.vocab, offers, index.week_start, index.version, index.taxonomy)
