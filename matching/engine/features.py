"""People as arrays: what the scorers read. Pure NumPy, no ORM, no clock.

Two sides of a person are encoded separately:

- `Offers`: people as candidate mentors (expertise, languages, industries,
  style, experience, capacity, weekly availability as UTC slot intervals).
  Multi-valued features are *inverted lists* by vocabulary column (for each
  skill, the positions of the mentors who have it and their levels), so
  scoring one mentee touches only the lists of the few things they want, and
  100k mentors fit in a few megabytes of small integers.
- `Seekers`: people as mentees (wanted skills with importance, the persona,
  their own languages and seniority, availability as a 672-slot mask).
  Lists are rows (CSR) by person.

Vocabulary columns (skills, languages, industries) are positions the caller
chooses; the engine never sees database ids except `ids`, which it uses only
to exclude pairs and to break ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

SLOTS_PER_WEEK = 672  # 15-minute UTC slots from Monday 00:00

IntArray = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

# Fixed enumerations, in the order their bits and codes use.
TRAITS = ("direct", "encouraging", "structured", "exploratory", "challenging", "reflective")
FORMATS = ("video", "phone", "chat", "in_person")
KINDS = ("career", "skills", "leadership", "entrepreneurship", "peer", "reverse")
FREQUENCIES = ("weekly", "fortnightly", "monthly", "ad_hoc")
MAX_SENIORITY = 6
MAX_YEARS = 50  # years above this count as 50 (a persona asks for at most 50)
MUST_WEIGHT = 2.0  # importance of a persona must-have (nice-to-have 1, goal skills 0.5-1.5)


def bits(values: Sequence[str], names: Sequence[str]) -> int:
    """A bitset of the named values (unknown names are ignored)."""
    out = 0
    for value in values:
        if value in names:
            out |= 1 << names.index(value)
    return out


def _ptr(groups: npt.NDArray[np.integer], size: int) -> I32:
    """Row pointers for entries sorted by `groups` (values 0..size-1)."""
    counts = np.bincount(groups, minlength=size) if len(groups) else np.zeros(size, np.int64)
    ptr = np.zeros(size + 1, dtype=np.int32)
    np.cumsum(counts, out=ptr[1:])
    return ptr


@dataclass(frozen=True)
class Inverted:
    """For each vocabulary column, the positions holding it (sorted) and a small value."""

    ptr: I32  # len columns + 1
    pos: I32
    value: U8

    @classmethod
    def build(
        cls, pos: npt.ArrayLike, col: npt.ArrayLike, value: npt.ArrayLike, columns: int
    ) -> Inverted:
        pos = np.asarray(pos, dtype=np.int32)
        col = np.asarray(col, dtype=np.int32)
        value = np.asarray(value, dtype=np.uint8)
        if len(col) and (col.min() < 0 or col.max() >= columns):
            raise ValueError("column outside the vocabulary")
        order = np.lexsort((pos, col))
        return cls(_ptr(col[order], columns), pos[order], value[order])

    @property
    def columns(self) -> int:
        return len(self.ptr) - 1

    def coo(self) -> tuple[I32, I32, U8]:
        cols = np.repeat(np.arange(self.columns, dtype=np.int32), np.diff(self.ptr))
        return self.pos, cols, self.value

    def holders(self, col: int | None, n: int) -> Bools:
        """A mask over n positions: True where the column is held (none for None)."""
        mask = np.zeros(n, dtype=bool)
        if col is not None:
            mask[self.pos[self.ptr[col] : self.ptr[col + 1]]] = True
        return mask

    def lookup(self, col: int, positions: npt.ArrayLike) -> U8:
        """The value at (col, position) for each position, 0 where absent."""
        positions = np.asarray(positions, dtype=np.int32)
        start, stop = self.ptr[col], self.ptr[col + 1]
        holders = self.pos[start:stop]
        found = np.searchsorted(holders, positions)
        found = np.minimum(found, max(len(holders) - 1, 0))
        out = np.zeros(len(positions), dtype=np.uint8)
        if len(holders):
            hit = holders[found] == positions
            out[hit] = self.value[start:stop][found[hit]]
        return out

    def dense(
        self, n: int, dtype: type = np.float32, table: npt.NDArray | None = None
    ) -> npt.NDArray:
        """A (columns x n) matrix of the values (mapped through `table` when given)."""
        out: npt.NDArray = np.zeros((self.columns, n), dtype=dtype)
        pos, cols, value = self.coo()
        out[cols, pos] = value if table is None else table[value]
        return out

    def remap(self, keep: Bools, extra: Inverted | None, offset: int) -> Inverted:
        """Drop positions not kept, renumber the rest, append `extra` at `offset` onwards."""
        new_pos = np.cumsum(keep, dtype=np.int32) - 1
        pos, cols, value = self.coo()
        mask = keep[pos]
        pos, cols, value = new_pos[pos[mask]], cols[mask], value[mask]
        if extra is not None:
            e_pos, e_cols, e_value = extra.coo()
            pos = np.concatenate([pos, e_pos + offset])
            cols = np.concatenate([cols, e_cols])
            value = np.concatenate([value, e_value])
        return Inverted.build(pos, cols, value, self.columns)


@dataclass(frozen=True)
class Rows:
    """Per-person lists (CSR): person p owns entries ptr[p]:ptr[p+1]."""

    ptr: I32
    col: I32
    value: F32

    @classmethod
    def build(cls, row: npt.ArrayLike, col: npt.ArrayLike, value: npt.ArrayLike, n: int) -> Rows:
        row = np.asarray(row, dtype=np.int32)
        order = np.lexsort((np.asarray(col), row))
        return cls(
            _ptr(row[order], n),
            np.asarray(col, dtype=np.int32)[order],
            np.asarray(value, dtype=np.float32)[order],
        )

    def row(self, p: int) -> tuple[I32, F32]:
        return self.col[self.ptr[p] : self.ptr[p + 1]], self.value[self.ptr[p] : self.ptr[p + 1]]

    @property
    def owners(self) -> I32:
        return np.repeat(np.arange(len(self.ptr) - 1, dtype=np.int32), np.diff(self.ptr))

    def dense(self, columns: int) -> F32:
        out = np.zeros((len(self.ptr) - 1, columns), dtype=np.float32)
        out[self.owners, self.col] = self.value
        return out


# Availability intervals are kept in pieces of at most this many quarter hours, so
# the pieces that can meet a window [a, b) are those starting in (a - PIECE, b).
PIECE = 16


@dataclass(frozen=True)
class Slots:
    """Everyone's UTC availability as pieces, grouped by the slot they start at.

    Pieces starting at slot s are first[s]:first[s + 1]; each has an owner (a
    position) and a length of 1..PIECE. Five bytes a piece, about what
    per-person intervals take, and a mentee's few windows meet only the pieces
    that start just before or inside them.
    """

    first: I32  # SLOTS_PER_WEEK + 1
    owner: I32
    length: U8

    @classmethod
    def build(cls, owner: npt.ArrayLike, start: npt.ArrayLike, end: npt.ArrayLike) -> Slots:
        """Disjoint intervals [start, end) per owner, cut into pieces and grouped."""
        owner = np.asarray(owner, dtype=np.int32)
        start = np.asarray(start, dtype=np.int32)
        end = np.asarray(end, dtype=np.int32)
        count = np.maximum(end - start + PIECE - 1, 0) // PIECE
        of = np.repeat(np.arange(len(start)), count)
        within = np.arange(len(of), dtype=np.int32) - np.repeat(np.cumsum(count) - count, count)
        piece_start = start[of] + PIECE * within
        piece_end = np.minimum(piece_start + PIECE, end[of])
        return cls._grouped(piece_start, owner[of], piece_end - piece_start)

    @classmethod
    def _grouped(
        cls, start: npt.NDArray[np.int32], owner: npt.ArrayLike, length: npt.ArrayLike
    ) -> Slots:
        order = np.argsort(start, kind="stable")
        first = np.zeros(SLOTS_PER_WEEK + 1, dtype=np.int32)
        np.cumsum(np.bincount(start, minlength=SLOTS_PER_WEEK), out=first[1:])
        return cls(
            first,
            np.asarray(owner, dtype=np.int32)[order],
            np.asarray(length, dtype=np.uint8)[order],
        )

    def starts(self, pieces: npt.ArrayLike | None = None) -> npt.NDArray[np.int32]:
        """The start slot of these pieces (all by default)."""
        if pieces is None:
            return np.repeat(np.arange(SLOTS_PER_WEEK, dtype=np.int32), np.diff(self.first))
        found = np.searchsorted(self.first, np.asarray(pieces), side="right") - 1
        return found.astype(np.int32)

    def remap(self, keep: Bools, new: Slots | None, offset: int) -> Slots:
        """Pieces of the kept owners renumbered, then `new`'s owners after `offset`."""
        kept = keep[self.owner]
        number = np.cumsum(keep) - 1
        start, owner, length = self.starts()[kept], number[self.owner[kept]], self.length[kept]
        if new is not None:
            start = np.concatenate([start, new.starts()])
            owner = np.concatenate([owner, new.owner + offset])
            length = np.concatenate([length, new.length])
        return Slots._grouped(start.astype(np.int32), owner, length)


@dataclass(frozen=True)
class Offers:
    """People as candidate mentors. Position i describes the person `ids[i]`."""

    ids: IntArray
    skills: Inverted  # level 1..5
    languages: Inverted  # proficiency 1..4
    industries: Inverted  # value 1
    traits: U8  # bitset over TRAITS
    formats: U8  # bitset over FORMATS
    kinds: U8  # bitset over KINDS
    frequency: npt.NDArray[np.int8]  # index into FREQUENCIES, -1 unknown
    seniority: npt.NDArray[np.int8]  # 1..6, 0 unknown
    years: npt.NDArray[np.int8]  # 0..50, -1 unknown
    capacity: U8
    taken: U8  # places already used by active mentorships
    pending: U8  # open requests waiting for an answer (counted up to 255)
    accepting: Bools
    paused_until: npt.NDArray[np.int32]  # a day number (date.toordinal()), 0 = not paused
    # Availability: merged UTC slot intervals per person (ptr, start, end), kept as
    # `slots`; or `slots` directly.
    slot_ptr: InitVar[I32 | None] = None
    slot_start: InitVar[U16 | None] = None
    slot_end: InitVar[U16 | None] = None
    slots: Slots = field(default_factory=lambda: Slots.build([], [], []))
    # Derived once: who lists a language, and single codes for the table lookups.
    has_languages: Bools = field(init=False)
    experience_code: U16 = field(init=False)  # seniority * 52 + years + 1
    format_code: U8 = field(init=False)  # formats * 5 + frequency + 1

    def __post_init__(
        self, slot_ptr: I32 | None, slot_start: U16 | None, slot_end: U16 | None
    ) -> None:
        if slot_ptr is not None and slot_start is not None and slot_end is not None:
            owners = np.repeat(np.arange(len(slot_ptr) - 1), np.diff(slot_ptr))
            object.__setattr__(self, "slots", Slots.build(owners, slot_start, slot_end))
        speaks = np.zeros(len(self.ids), dtype=bool)
        speaks[self.languages.pos] = True
        object.__setattr__(self, "has_languages", speaks)
        object.__setattr__(
            self,
            "experience_code",
            (self.seniority.astype(np.uint16) * (MAX_YEARS + 2) + (self.years + 1)).astype(
                np.uint16
            ),
        )
        object.__setattr__(
            self,
            "format_code",
            ((self.formats & 15).astype(np.uint8) * 5 + (self.frequency + 1)).astype(np.uint8),
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def free_places(self) -> npt.NDArray[np.int16]:
        return np.maximum(self.capacity.astype(np.int16) - self.taken, 0).astype(np.int16)

    def open_to_requests(self, today: int) -> Bools:
        """Accepting, not paused on day `today`, and with a free place."""
        return self.accepting & (self.paused_until <= today) & (self.capacity > self.taken)

    def slot_mask(self, i: int) -> Bools:
        """One person's availability as a 672-slot mask."""
        pieces = np.flatnonzero(self.slots.owner == i)
        mask = np.zeros(SLOTS_PER_WEEK, dtype=bool)
        starts = self.slots.starts(pieces)
        for start, length in zip(starts.tolist(), self.slots.length[pieces].tolist(), strict=True):
            mask[start : start + length] = True
        return mask

    def slot_masks(self) -> Bools:
        """All people's availability as an (n x 672) mask."""
        masks = np.zeros((len(self), SLOTS_PER_WEEK), dtype=bool)
        slots = self.slots
        lengths = slots.length.astype(np.intp)
        # Every slot of every piece as a flat index: the pieces' starts, each
        # repeated for its length, plus 0, 1, 2, ... within the piece.
        first = np.repeat(slots.owner * SLOTS_PER_WEEK + slots.starts(), lengths)
        within = np.arange(len(first)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        masks.ravel()[first + within] = True
        return masks

    @cached_property
    def has_slots(self) -> Bools:
        """Who gave any availability (kept: the arrays never change)."""
        some = np.bincount(self.slots.owner, minlength=len(self)) > 0
        some.flags.writeable = False
        return some

    def replace_people(self, drop_ids: npt.ArrayLike, new: Offers | None) -> Offers:
        """These people removed (when present), `new` appended: an incremental rebuild."""
        keep = ~np.isin(self.ids, np.asarray(drop_ids, dtype=np.int64))
        offset = int(keep.sum())
        scalars = {}
        for name in _OFFER_SCALARS:
            old = getattr(self, name)[keep]
            scalars[name] = old if new is None else np.concatenate([old, getattr(new, name)])
        return Offers(
            skills=self.skills.remap(keep, new.skills if new else None, offset),
            languages=self.languages.remap(keep, new.languages if new else None, offset),
            industries=self.industries.remap(keep, new.industries if new else None, offset),
            slots=self.slots.remap(keep, new.slots if new else None, offset),
            **scalars,
        )

    def nbytes(self) -> int:
        total = 0
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                total += value.nbytes
            elif isinstance(value, Inverted):
                total += value.ptr.nbytes + value.pos.nbytes + value.value.nbytes
            elif isinstance(value, Slots):
                total += value.first.nbytes + value.owner.nbytes + value.length.nbytes
        return total


_OFFER_SCALARS = (
    "ids", "traits", "formats", "kinds", "frequency", "seniority", "years", "capacity",
    "taken", "pending", "accepting", "paused_until",
)  # fmt: skip


@dataclass(frozen=True)
class Seekers:
    """People as mentees. Row p describes the person `ids[p]`."""

    ids: IntArray
    wanted: Rows  # skill column -> importance weight
    must: Rows  # skill column -> 1 for each persona must-have
    languages: Rows  # language column -> weight q (proficiency, halved when not preferred)
    industries: Rows  # wanted industry column -> 1
    traits: U8  # wanted traits bitset
    formats: U8  # wanted formats bitset
    frequency: npt.NDArray[np.int8]  # wanted rhythm, -1 none
    seniority: npt.NDArray[np.int8]  # the person's own level, 0 unknown
    wanted_seniority: npt.NDArray[np.int8]  # 0 = no preference
    min_years: npt.NDArray[np.int8]  # 0 = no preference
    target_hours: F32  # shared hours a week that count as a full fit
    slots: Bools | None  # (n x 672) availability, or None when not needed

    def __len__(self) -> int:
        return len(self.ids)

    def replace_people(self, drop_ids: npt.ArrayLike, new: Seekers | None) -> Seekers:
        """These people removed (when present), `new` appended, like Offers.replace_people."""
        keep = ~np.isin(self.ids, np.asarray(drop_ids, dtype=np.int64))

        def rows(old: Rows, extra: Rows | None) -> Rows:
            owners = old.owners
            mask = keep[owners]
            renumber = np.cumsum(keep, dtype=np.int32) - 1
            row, col, value = renumber[owners[mask]], old.col[mask], old.value[mask]
            if extra is not None:
                row = np.concatenate([row, extra.owners + int(keep.sum())])
                col = np.concatenate([col, extra.col])
                value = np.concatenate([value, extra.value])
            return Rows.build(row, col, value, int(keep.sum()) + (len(new) if new else 0))

        def column(name: str) -> npt.NDArray[Any]:
            old = getattr(self, name)[keep]
            return old if new is None else np.concatenate([old, getattr(new, name)])

        slots = None
        if self.slots is not None:
            if new is None:
                slots = self.slots[keep]
            elif new.slots is not None:
                slots = np.vstack([self.slots[keep], new.slots])
        return Seekers(
            ids=column("ids"),
            wanted=rows(self.wanted, new.wanted if new else None),
            must=rows(self.must, new.must if new else None),
            languages=rows(self.languages, new.languages if new else None),
            industries=rows(self.industries, new.industries if new else None),
            traits=column("traits"),
            formats=column("formats"),
            frequency=column("frequency"),
            seniority=column("seniority"),
            wanted_seniority=column("wanted_seniority"),
            min_years=column("min_years"),
            target_hours=column("target_hours"),
            slots=slots,
        )

    def take(self, p: int) -> Seekers:
        """One person's row as a Seekers of length 1."""

        def one(rows: Rows) -> Rows:
            col, value = rows.row(p)
            return Rows(np.array([0, len(col)], dtype=np.int32), col, value)

        return Seekers(
            ids=self.ids[p : p + 1],
            wanted=one(self.wanted),
            must=one(self.must),
            languages=one(self.languages),
            industries=one(self.industries),
            traits=self.traits[p : p + 1],
            formats=self.formats[p : p + 1],
            frequency=self.frequency[p : p + 1],
            seniority=self.seniority[p : p + 1],
            wanted_seniority=self.wanted_seniority[p : p + 1],
            min_years=self.min_years[p : p + 1],
            target_hours=self.target_hours[p : p + 1],
            slots=None if self.slots is None else self.slots[p : p + 1],
        )


# --- Building from plain records (tests, the benchmark, small cohorts) -------------


@dataclass
class Person:
    """One person's features with vocabulary columns, both sides (for tests and tools)."""

    id: int
    # offer side
    expertise: dict[int, int] = field(default_factory=dict)  # skill col -> level 1..5
    languages: dict[int, int] = field(default_factory=dict)  # language col -> proficiency 1..4
    industries: set[int] = field(default_factory=set)
    traits: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    frequency: str | None = "fortnightly"
    seniority: int = 0
    years: int | None = None
    capacity: int = 2
    taken: int = 0
    pending: int = 0
    accepting: bool = True
    paused_until: int = 0
    slots: tuple[tuple[int, int], ...] = ()  # UTC slot intervals [start, end)
    # seeker side
    wanted: dict[int, float] = field(default_factory=dict)  # skill col -> weight
    must: set[int] = field(default_factory=set)
    preferred_languages: set[int] = field(default_factory=set)
    wanted_industries: set[int] = field(default_factory=set)
    wanted_traits: tuple[str, ...] = ()
    wanted_formats: tuple[str, ...] = ()
    wanted_frequency: str | None = None
    wanted_seniority: int = 0
    min_years: int = 0
    target_hours: float = 2.0


@dataclass(frozen=True)
class Vocabulary:
    skills: int
    languages: int
    industries: int


def language_weight(proficiency: int, *, preferred: bool, any_preferred: bool) -> float:
    """A mentee's weight for one of their languages (see `scoring.PROFICIENCY_FIT`)."""
    from matching.engine.scoring import PROFICIENCY_FIT

    weight = float(PROFICIENCY_FIT[proficiency])
    return weight if preferred or not any_preferred else weight / 2


def merge_intervals(intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def offers_from(people: Sequence[Person], vocab: Vocabulary) -> Offers:
    n = len(people)

    def coo(getter: str) -> tuple[list[int], list[int], list[int]]:
        pos, col, val = [], [], []
        for i, person in enumerate(people):
            items = getattr(person, getter)
            pairs = items.items() if isinstance(items, dict) else ((c, 1) for c in items)
            for c, v in pairs:
                pos.append(i)
                col.append(c)
                val.append(v)
        return pos, col, val

    intervals = [merge_intervals(p.slots) for p in people]
    ptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum([len(i) for i in intervals], out=ptr[1:])
    flat = [pair for person in intervals for pair in person]
    return Offers(
        ids=np.array([p.id for p in people], dtype=np.int64),
        skills=Inverted.build(*coo("expertise"), vocab.skills),
        languages=Inverted.build(*coo("languages"), vocab.languages),
        industries=Inverted.build(*coo("industries"), vocab.industries),
        traits=np.array([bits(p.traits, TRAITS) for p in people], dtype=np.uint8),
        formats=np.array([bits(p.formats, FORMATS) for p in people], dtype=np.uint8),
        kinds=np.array([bits(p.kinds, KINDS) for p in people], dtype=np.uint8),
        frequency=np.array(
            [FREQUENCIES.index(p.frequency) if p.frequency else -1 for p in people], np.int8
        ),
        seniority=np.array([p.seniority for p in people], dtype=np.int8),
        years=np.array(
            [-1 if p.years is None else min(p.years, MAX_YEARS) for p in people], np.int8
        ),
        capacity=np.array([p.capacity for p in people], dtype=np.uint8),
        taken=np.array([p.taken for p in people], dtype=np.uint8),
        pending=np.array([min(p.pending, 255) for p in people], dtype=np.uint8),
        accepting=np.array([p.accepting for p in people], dtype=bool),
        paused_until=np.array([p.paused_until for p in people], dtype=np.int32),
        slot_ptr=ptr,
        slot_start=np.array([s for s, _ in flat], dtype=np.uint16),
        slot_end=np.array([e for _, e in flat], dtype=np.uint16),
    )


def seekers_from(
    people: Sequence[Person], vocab: Vocabulary, *, with_slots: bool = True
) -> Seekers:
    n = len(people)

    def rows(pairs_of: list[list[tuple[int, float]]]) -> Rows:
        row = [p for p, pairs in enumerate(pairs_of) for _ in pairs]
        col = [c for pairs in pairs_of for c, _ in pairs]
        val = [v for pairs in pairs_of for _, v in pairs]
        return Rows.build(row, col, val, n)

    languages = []
    for person in people:
        any_preferred = bool(person.preferred_languages)
        langs = [
            (
                c,
                language_weight(
                    prof, preferred=c in person.preferred_languages, any_preferred=any_preferred
                ),
            )
            for c, prof in person.languages.items()
        ]
        # A preferred language the person does not list still counts as theirs.
        langs += [(c, 1.0) for c in person.preferred_languages if c not in person.languages]
        languages.append(langs)
    slots = None
    if with_slots:
        slots = np.zeros((n, SLOTS_PER_WEEK), dtype=bool)
        for p, person in enumerate(people):
            for start, end in person.slots:
                slots[p, start:end] = True
    return Seekers(
        ids=np.array([p.id for p in people], dtype=np.int64),
        # A must-have is always wanted, at least as much as any must-have.
        wanted=rows(
            [
                list(
                    (
                        dict.fromkeys(p.must, MUST_WEIGHT)
                        | {
                            c: max(w, MUST_WEIGHT) if c in p.must else w
                            for c, w in p.wanted.items()
                        }
                    ).items()
                )
                for p in people
            ]
        ),
        must=rows([[(c, 1.0) for c in sorted(p.must)] for p in people]),
        languages=rows(languages),
        industries=rows([[(c, 1.0) for c in sorted(p.wanted_industries)] for p in people]),
        traits=np.array([bits(p.wanted_traits, TRAITS) for p in people], dtype=np.uint8),
        formats=np.array([bits(p.wanted_formats, FORMATS) for p in people], dtype=np.uint8),
        frequency=np.array(
            [FREQUENCIES.index(p.wanted_frequency) if p.wanted_frequency else -1 for p in people],
            np.int8,
        ),
        seniority=np.array([p.seniority for p in people], dtype=np.int8),
        wanted_seniority=np.array([p.wanted_seniority for p in people], dtype=np.int8),
        min_years=np.array([p.min_years for p in people], dtype=np.int8),
        target_hours=np.array([max(p.target_hours, 0.25) for p in people], dtype=np.float32),
        slots=slots,
    )
