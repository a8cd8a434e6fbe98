"""Compatibility scores: one mentee against every mentor, and many against many.

Pure NumPy. The score of mentee e and mentor m is a weighted sum of seven
criteria, each in [0, 1]; weights are normalised to sum to 1, so the score
is in [0, 1] too. A criterion the mentee has said nothing about (no wanted
traits, say) counts as a neutral 0.5 for every mentor: it cannot change the
order, and the score stays honest about how much we know.

- skills: coverage times depth. Coverage is the share of the importance the
  mentee puts on skills (goal skills by goal priority 0.5-1.5, persona
  nice-to-haves 1, must-haves 2) that the mentor covers, C / W; depth is
  min(1, (1 + K) N / (N + K)) with N the covered importance times the
  mentor's level fit (LEVEL_FIT, level 1 = 0.5 .. level 5 = 1). Covering
  another wanted skill never lowers it (both factors grow), a missing one
  always costs, and one skill at level 1 scores less than at level 5.
- industry: 1 when the mentor works in or mentors any wanted industry.
- experience: seniority fit (the gap table of the programme kind, or the
  persona's wanted level) and the persona's minimum years, averaged.
- traits: the share of wanted traits the mentor has.
- languages: the shared languages by both people's proficiency (two fluent
  speakers 1.0; a basic speaker counts a quarter), summed and capped at 1.
- availability: shared hours a week (real UTC slots) over the mentee's
  target hours, capped at 1.
- formats: the share of wanted formats offered, and rhythm fit, averaged.

Hard constraints remove a mentor: no shared language (when both list
languages), an unmet persona must-have, not open to requests (not accepting,
paused, or no free place), the mentee's own account, and pairs the caller
excludes (an open request or a mentorship).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.engine.features import (
    F32,
    F64,
    MAX_SENIORITY,
    MAX_YEARS,
    PIECE,
    SLOTS_PER_WEEK,
    Bools,
    Offers,
    Rows,
    Seekers,
)

CRITERIA = ("skills", "industry", "experience", "traits", "languages", "availability", "formats")
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 0.30,
    "availability": 0.16,
    "experience": 0.14,
    "languages": 0.10,
    "industry": 0.10,
    "traits": 0.10,
    "formats": 0.10,
}

ONE_TO_ONE, PEER, REVERSE = "one_to_one", "peer", "reverse"
KINDS = (ONE_TO_ONE, PEER, REVERSE)

NEUTRAL = 0.5
KAPPA = 0.5
# Eighths, so the skills product is exact in float32.
LEVEL_FIT = np.array([0.0, 0.5, 0.625, 0.75, 0.875, 1.0])
PROFICIENCY_FIT = np.array([0.0, 0.25, 0.5, 1.0, 1.0])
# Mentor level minus mentee level, from -5 to +5: one or two levels above fits best.
_GAP_ONE_TO_ONE = np.array([0.05, 0.05, 0.05, 0.05, 0.1, 0.45, 0.9, 1.0, 0.85, 0.7, 0.6])
GAP_FIT = {
    ONE_TO_ONE: _GAP_ONE_TO_ONE,
    # Reverse mentoring: the junior person mentors, so the table is mirrored.
    REVERSE: _GAP_ONE_TO_ONE[::-1].copy(),
    # Peers: the same level fits best, symmetrically.
    PEER: np.array([0.05, 0.05, 0.15, 0.4, 0.75, 1.0, 0.75, 0.4, 0.15, 0.05, 0.05]),
}
# |mentor level - the level the persona asks for|.
WANTED_LEVEL_FIT = np.array([1.0, 0.7, 0.35, 0.1, 0.05, 0.05])
# Wanted rhythm x the mentor's rhythm (weekly, fortnightly, monthly, when needed).
FREQUENCY_FIT = np.array(
    [
        [1.0, 0.6, 0.25, 0.5],
        [0.6, 1.0, 0.6, 0.5],
        [0.25, 0.6, 1.0, 0.5],
        [0.5, 0.5, 0.5, 1.0],
    ]
)


class WeightsError(ValueError):
    pass


@dataclass(frozen=True)
class Weights:
    """Criterion weights, normalised to sum to 1."""

    values: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    @classmethod
    def of(cls, overrides: Mapping[str, float] | None = None) -> Weights:
        """Defaults with `overrides` applied; refuses unknown names and negative values."""
        merged = dict(DEFAULT_WEIGHTS)
        for name, value in (overrides or {}).items():
            if name not in DEFAULT_WEIGHTS:
                raise WeightsError(f"Unknown criterion: {name}.")
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not number or not 0 <= value < 1e6:
                raise WeightsError(f"The weight of {name} must be a number of 0 or more.")
            # Weights too small to survive float32 arithmetic count as 0.
            merged[name] = float(value) if value >= 1e-6 else 0.0
        total = sum(merged.values())
        if total <= 0:
            raise WeightsError("At least one weight must be above 0.")
        return cls({name: merged[name] / total for name in CRITERIA})

    def __getitem__(self, name: str) -> float:
        return self.values[name]


def _bit_matrix(values: npt.NDArray[np.uint8], width: int) -> F32:
    return ((values[None, :] >> np.arange(width, dtype=np.uint8)[:, None]) & 1).astype(np.float32)


def experience_rows(seekers: Seekers, kind: str) -> tuple[F64, F64, F64]:
    """For each mentee: a value per mentor seniority (0 unknown, 1..6), per mentor years
    (-1 unknown, 0..50, at index years + 1), and a constant; their sum is the criterion."""
    wanted = seekers.wanted_seniority.astype(np.intp)
    own = seekers.seniority.astype(np.intp)
    min_years = seekers.min_years.astype(np.float64)
    has_level = (wanted > 0) | (own > 0)
    has_years = min_years > 0
    parts = has_level.astype(np.float64) + has_years
    share = np.divide(1.0, parts, out=np.zeros_like(parts), where=parts > 0)
    levels = np.arange(1, MAX_SENIORITY + 1)
    by_wanted = WANTED_LEVEL_FIT[np.minimum(np.abs(levels[None, :] - wanted[:, None]), 5)]
    by_gap = GAP_FIT[kind][np.clip(levels[None, :] - own[:, None] + 5, 0, 10)]
    level_fit = np.where((wanted > 0)[:, None], by_wanted, by_gap)
    seniority = np.zeros((len(seekers), MAX_SENIORITY + 1))
    seniority[:, 1:] = level_fit
    seniority[:, 0] = NEUTRAL
    seniority *= (share * has_level)[:, None]
    years = np.empty((len(seekers), MAX_YEARS + 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        years[:, 1:] = np.minimum(1.0, np.arange(MAX_YEARS + 1)[None, :] / min_years[:, None])
    years[:, 0] = NEUTRAL
    years *= (share * has_years)[:, None]
    years[~has_years] = 0
    constant = np.where(parts == 0, NEUTRAL, 0.0)
    return seniority, years, constant


def format_rows(seekers: Seekers) -> tuple[F64, F64, F64]:
    """For each mentee: a value per offered format bit, per mentor rhythm (-1..3 at +1),
    and a constant; formats criterion = bits . row + rhythm row + constant."""
    wanted_bits = _bit_matrix(seekers.formats, 4).T.astype(np.float64)  # (n x 4)
    counts = wanted_bits.sum(axis=1)
    freq = seekers.frequency.astype(np.intp)
    has_formats, has_freq = counts > 0, freq >= 0
    parts = has_formats.astype(np.float64) + has_freq
    share = np.divide(1.0, parts, out=np.zeros_like(parts), where=parts > 0)
    per_format = (
        wanted_bits * np.divide(share, counts, out=np.zeros_like(share), where=has_formats)[:, None]
    )
    rhythm = np.zeros((len(seekers), 5))
    rhythm[:, 1:] = FREQUENCY_FIT[np.maximum(freq, 0)]
    rhythm[:, 0] = NEUTRAL
    rhythm *= (share * has_freq)[:, None]
    constant = np.where(parts == 0, NEUTRAL, 0.0)
    return per_format, rhythm, constant


def trait_rows(seekers: Seekers) -> tuple[F64, F64]:
    wanted_bits = _bit_matrix(seekers.traits, 6).T.astype(np.float64)
    counts = wanted_bits.sum(axis=1)
    per_trait = wanted_bits / np.maximum(counts, 1)[:, None]
    constant = np.where(counts == 0, NEUTRAL, 0.0)
    return per_trait, constant


# --- One mentee against all mentors (the ranking path) ----------------------------------


def _lookup_tables(seeker: Seekers, kind: str) -> tuple[F64, F64, F64]:
    """One mentee's experience, trait and format values per mentor code, kept on the row."""
    cache = seeker.__dict__.setdefault("_tables", {})
    if kind not in cache:
        sen_row, years_row, exp_const = experience_rows(seeker, kind)
        exp_table = (sen_row[0][:, None] + years_row[0][None, :]).ravel() + exp_const[0]
        trait_row, trait_const = trait_rows(seeker)
        trait_table = (
            _bit_matrix(np.arange(64, dtype=np.uint8), 6).T @ trait_row[0] + trait_const[0]
        )
        fmt_row, rhythm_row, fmt_const = format_rows(seeker)
        fmt_table = (
            (_bit_matrix(np.arange(16, dtype=np.uint8), 4).T @ fmt_row[0])[:, None]
            + rhythm_row[0][None, :]
        ).ravel() + fmt_const[0]
        cache[kind] = (exp_table, trait_table, fmt_table)
    return cache[kind]


def _ones(n: int) -> F64:
    """n ones, kept: minimum against an array is several times faster than against 1.0."""
    found = _ONES.get(n)
    if found is None:
        _ONES.clear()
        found = _ONES[n] = np.ones(n)
        found.flags.writeable = False
    return found


_ONES: dict[int, F64] = {}


def _shared_quarters(mask: Bools, offers: Offers) -> F64:
    """Quarter hours each mentor shares with this weekly mask.

    Each window [a, b) of the mask meets only the mentor pieces that start in
    (a - PIECE, b): a few thousand of the week's pieces instead of all of them.
    """
    slots = offers.slots
    change = np.flatnonzero(np.diff(mask.view(np.int8), prepend=0, append=0))
    a, b = change[0::2], change[1::2]
    # The start slots each window looks at, then their pieces (contiguous, in order).
    low = np.maximum(a - PIECE + 1, 0)
    widths = b - low
    slot = np.arange(int(widths.sum())) + np.repeat(low - (np.cumsum(widths) - widths), widths)
    counts = slots.first[slot + 1] - slots.first[slot]
    start = np.repeat(slot, counts)
    window = np.repeat(np.repeat(np.arange(len(a)), widths), counts)
    lo = slots.first[low]
    lengths = slots.first[b] - lo
    at = np.arange(len(start)) + np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    overlap = np.minimum(start + slots.length[at], b[window]) - np.maximum(start, a[window])
    np.maximum(overlap, 0, out=overlap)
    shared = np.bincount(slots.owner[at], weights=overlap, minlength=len(offers))
    return shared.astype(np.float64, copy=False)  # (an empty bincount is integers)


def _closed(offers: Offers, today: int) -> Bools:
    """Who cannot take a request on day `today`, kept on the index for the day."""
    cache = offers.__dict__.setdefault("_closed", {})
    if today not in cache:
        cache.clear()
        cache[today] = ~offers.open_to_requests(today)
    return cache[today]


def _neutral(n: int) -> F64:
    """NEUTRAL for everyone, without writing n numbers (a read-only broadcast)."""
    return np.broadcast_to(np.float64(NEUTRAL), (n,))


def _is_neutral(values: F64) -> bool:
    return values.ndim == 1 and values.strides == (0,)


@dataclass(frozen=True)
class Scored:
    """Scores of one mentee against every mentor position of an Offers."""

    total: F64
    eligible: Bools
    values: dict[str, F64]
    shared_hours: F64  # NaN where the mentee gave no availability
    # Why a mentor is excluded (each a mask; a mentor can have several reasons).
    no_language: Bools
    must_unmet: Bools
    closed: Bools
    excluded: Bools


def score_one(
    seeker: Seekers,
    offers: Offers,
    *,
    weights: Weights,
    kind: str = ONE_TO_ONE,
    today: int = 0,
    exclude_ids: Iterable[int] = (),
    reverse_seekers: Seekers | None = None,
    reverse_offer: Offers | None = None,
) -> Scored:
    """Score `seeker` (one row) against every mentor in `offers`.

    A peer programme scores symmetrically: pass the candidates as mentees
    (`reverse_seekers`, aligned with `offers`) and the mentee as a mentor
    (`reverse_offer`); the score is the mean of both directions.
    """
    assert len(seeker) == 1
    n = len(offers)
    values: dict[str, F64] = {}

    # Skills: scatter the wanted columns' holders.
    cols, importance = seeker.wanted.row(0)
    total_importance = float(importance.sum())
    sk = offers.skills
    slices = [slice(int(sk.ptr[c]), int(sk.ptr[c + 1])) for c in cols]
    if total_importance > 0 and slices:
        holders = np.concatenate([sk.pos[s] for s in slices])
        weight_each = np.repeat(importance.astype(np.float64), [s.stop - s.start for s in slices])
        levels = np.concatenate([sk.value[s] for s in slices])
        # (An empty bincount comes back as integers.)
        covered_fit = np.bincount(
            holders, weights=weight_each * np.take(LEVEL_FIT, levels), minlength=n
        ).astype(np.float64, copy=False)
        covered = np.bincount(holders, weights=weight_each, minlength=n).astype(
            np.float64, copy=False
        )
        # In place: depth = min(1, (1 + K) N / (N + K)), times covered / W.
        depth = covered_fit + KAPPA
        np.divide(covered_fit, depth, out=depth)
        depth *= 1 + KAPPA
        np.minimum(depth, _ones(n), out=depth)
        covered *= 1 / total_importance
        depth *= covered
        values["skills"] = depth
    elif total_importance > 0:
        values["skills"] = np.zeros(n)
    else:
        values["skills"] = _neutral(n)

    must_cols, _ = seeker.must.row(0)
    if len(must_cols):
        met = np.bincount(
            np.concatenate([sk.pos[sk.ptr[c] : sk.ptr[c + 1]] for c in must_cols]), minlength=n
        )
        must_unmet = met < len(must_cols)
    else:
        must_unmet = np.zeros(n, dtype=bool)

    # Languages.
    lang_cols, lang_weights = seeker.languages.row(0)
    lg = offers.languages
    if len(lang_cols):
        parts = [slice(int(lg.ptr[c]), int(lg.ptr[c + 1])) for c in lang_cols]
        holders = np.concatenate([lg.pos[s] for s in parts])
        fit = np.concatenate(
            [
                w * np.take(PROFICIENCY_FIT, lg.value[s])
                for s, w in zip(parts, lang_weights, strict=True)
            ]
        )
        shared = np.bincount(holders, weights=fit, minlength=n).astype(np.float64, copy=False)
        known = offers.has_languages
        values["languages"] = np.where(known, np.minimum(shared, _ones(n)), NEUTRAL)
        no_language = known & (shared <= 0)
    else:
        values["languages"] = _neutral(n)
        no_language = np.zeros(n, dtype=bool)

    # Industry.
    ind_cols, _ = seeker.industries.row(0)
    if len(ind_cols):
        ind = offers.industries
        holders = np.concatenate([ind.pos[ind.ptr[c] : ind.ptr[c + 1]] for c in ind_cols])
        industry = values["industry"] = np.zeros(n)
        industry[holders] = 1.0
    else:
        values["industry"] = _neutral(n)

    # Experience, traits, formats: small per-mentee tables read at each mentor's code.
    exp_table, trait_table, fmt_table = _lookup_tables(seeker, kind)
    values["experience"] = np.take(exp_table, offers.experience_code)
    values["traits"] = np.take(trait_table, offers.traits)
    values["formats"] = np.take(fmt_table, offers.format_code)

    # Availability.
    if seeker.slots is not None and seeker.slots[0].any():
        shared_hours = _shared_quarters(seeker.slots[0], offers) / 4
        availability = shared_hours * (1 / float(seeker.target_hours[0]))
        values["availability"] = np.minimum(availability, _ones(n), out=availability)
    else:
        shared_hours = np.full(n, np.nan)
        values["availability"] = _neutral(n)

    closed = _closed(offers, today)
    excluded = offers.ids == seeker.ids[0]
    excluded_ids = np.fromiter(exclude_ids, dtype=np.int64)
    if len(excluded_ids):
        excluded |= np.isin(offers.ids, excluded_ids)

    if reverse_seekers is not None and reverse_offer is not None:
        back = score_matrix(
            reverse_seekers,
            reverse_offer,
            # Only the values are read back, and they are exact when no weight is 0.
            weights=Weights.of(dict.fromkeys(CRITERIA, 1.0)),
            kind=kind,
            components=True,
            today=today,
            check_open=False,
            # One column: a single block on this thread.
            block=max(len(reverse_seekers), 1),
            threads=1,
        )
        assert back.values is not None
        assert back.must_unmet is not None
        assert back.no_language is not None
        for name in CRITERIA:
            backwards = back.values[name][:, 0].astype(np.float64)
            if name == "availability":
                # Shared hours are symmetric; each side has its own target, and a
                # side that gave no availability is neutral about the other.
                backwards = np.where(
                    offers.has_slots,
                    np.minimum(1.0, np.nan_to_num(shared_hours) / reverse_seekers.target_hours),
                    NEUTRAL,
                )
            values[name] = (values[name] + backwards) / 2
        must_unmet = must_unmet | back.must_unmet[:, 0]
        no_language = no_language | back.no_language[:, 0]

    # No BLAS here: its threads would wake for a 7 x n product, and linger.
    constant = sum(weights[name] * NEUTRAL for name in CRITERIA if _is_neutral(values[name]))
    total = np.full(n, float(constant))
    scratch = np.empty(n)
    for name in CRITERIA:
        if not _is_neutral(values[name]):
            np.multiply(values[name], weights[name], out=scratch)
            total += scratch
    # Normalised weights can sum to 1 + 2e-16.
    np.minimum(total, _ones(n), out=total)
    eligible = ~(no_language | must_unmet | closed | excluded)
    return Scored(total, eligible, values, shared_hours, no_language, must_unmet, closed, excluded)


# --- Many against many (bulk matching) --------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    scores: F32  # (mentees x mentors)
    eligible: Bools
    must_unmet: Bools | None = None  # with components=True
    no_language: Bools | None = None
    values: dict[str, F32] | None = None


# The fused products carry several integer-coded fields in one float32 value.
# Every term is a multiple of a power of two and every sum stays below 2**24
# times its resolution, so the sums are exact whatever the order of addition.
SKILL_STEP = 1024.0  # skills product: N + SKILL_STEP * covered importance
MUST_STEP = 64.0  # hard product: language fit (< 64) + MUST_STEP * unmet must-haves
INDUSTRY_STEP = 8192.0  # ... + INDUSTRY_STEP * wanted industries the mentor has
MAX_FUSED_INDUSTRIES = 60


@dataclass(frozen=True)
class _Linear:
    """The linear criteria as mentee rows times one-hot / multi-hot mentor columns."""

    parts: tuple[tuple[str, F64, F32], ...]  # (criterion, mentee rows, mentor columns)
    constants: dict[str, F64]  # per mentee and criterion

    def product(self, rows: slice, name: str) -> F32:
        """One criterion's values for these mentees against every mentor."""
        out = self.constants[name][rows, None]
        for part, mentee, mentor in self.parts:
            if part == name:
                out = out + mentee[rows] @ mentor
        return out.astype(np.float32)


def _linear(seekers: Seekers, offers: Offers, kind: str) -> _Linear:
    m = len(offers)

    def one_hot(values: npt.NDArray[np.int8], width: int, offset: int = 0) -> F32:
        out = np.zeros((width, m), dtype=np.float32)
        out[values.astype(np.intp) + offset, np.arange(m)] = 1
        return out

    seniority, years, experience = experience_rows(seekers, kind)
    traits, trait_const = trait_rows(seekers)
    formats, rhythm, format_const = format_rows(seekers)
    # Years: min(1, y / k) for a mentee asking for k years is min(y, k) / k, so one
    # column per k someone asks for instead of one per possible y; unknown years
    # (-1) keep their neutral column.
    min_years = seekers.min_years.astype(np.intp)
    asked = np.unique(min_years[min_years > 0])
    ramp = np.zeros((len(seekers), 1 + len(asked)))
    ramp[:, 0] = years[:, 0]
    has = min_years > 0
    share = years[has, 0] / NEUTRAL
    ramp[np.flatnonzero(has), 1 + np.searchsorted(asked, min_years[has])] = share / min_years[has]
    mentor_years = offers.years.astype(np.float32)
    ramp_m = np.vstack(
        [(mentor_years < 0)[None, :], np.clip(mentor_years[None, :], 0, asked[:, None])]
    ).astype(np.float32)
    return _Linear(
        parts=(
            ("traits", traits, _bit_matrix(offers.traits, 6)),
            ("formats", formats, _bit_matrix(offers.formats, 4)),
            ("formats", rhythm, one_hot(offers.frequency, 5, offset=1)),
            ("experience", seniority, one_hot(offers.seniority, MAX_SENIORITY + 1)),
            ("experience", ramp, ramp_m),
        ),
        constants={"traits": trait_const, "formats": format_const, "experience": experience},
    )


_Entries = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], F64]


def _entries(rows: Rows, offset: int) -> _Entries:
    return (
        rows.owners.astype(np.intp),
        rows.col.astype(np.intp) + offset,
        rows.value.astype(np.float64),
    )


def _constant_column(where: Bools, column: int) -> _Entries:
    owners = np.flatnonzero(where)
    return owners, np.full(len(owners), column, dtype=np.intp), np.full(len(owners), NEUTRAL)


def _sparse(parts: list[_Entries], shape: tuple[int, int], scale: float) -> Any:
    """(row, column, value) entries as a float32 CSR matrix, values times `scale`."""
    from scipy import sparse

    owners, columns, values = (np.concatenate(part) for part in zip(*parts, strict=True))
    return sparse.csr_array(((values * scale).astype(np.float32), (owners, columns)), shape=shape)


def _positions(
    row_ids: npt.ArrayLike,
    column_ids: npt.ArrayLike,
    wanted_rows: npt.ArrayLike,
    wanted_columns: npt.ArrayLike | None = None,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Matrix positions of (row id, column id) pairs, skipping ids not in the matrix."""
    wanted_columns = wanted_rows if wanted_columns is None else wanted_columns
    found = []
    for ids, wanted in ((row_ids, wanted_rows), (column_ids, wanted_columns)):
        ids, wanted = np.asarray(ids, dtype=np.int64), np.asarray(wanted, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        at = np.minimum(np.searchsorted(ids[order], wanted), max(len(ids) - 1, 0))
        hit = (ids[order][at] == wanted) if len(ids) else np.zeros(len(wanted), dtype=bool)
        found.append((order[at] if len(ids) else at, hit))
    (rows, row_hit), (columns, column_hit) = found
    both = row_hit & column_hit
    return rows[both], columns[both]


def _csr(dense: npt.NDArray[np.int8]) -> Any:
    """A small-integer matrix as float32 CSR."""
    rows, cols = np.nonzero(dense)
    return _sparse([(rows, cols, dense[rows, cols].astype(np.float64))], dense.shape, 1.0)


def _add_product(left: Any, lo: int, hi: int, right: F32, out: F32) -> None:
    """out += left[lo:hi] @ right, for a float32 CSR `left` and a dense `right`.

    SciPy's own kernel, called on the rows' slices of the CSR arrays: slicing a
    sparse matrix per block and its fresh result array cost more than the product.
    """
    from scipy.sparse import _sparsetools

    ptr = left.indptr[lo : hi + 1]
    start, stop = int(ptr[0]), int(ptr[-1])
    _sparsetools.csr_matvecs(
        hi - lo,
        right.shape[0],
        right.shape[1],
        ptr - ptr[0],
        left.indices[start:stop],
        left.data[start:stop],
        right.ravel(),
        out.ravel(),
    )


def _half_hours(slots: Bools) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """Quarter-hour masks as half hours: quarters used (0-2), and +1 / -1 where only
    the first / the second quarter is."""
    first, second = slots[:, 0::2].view(np.int8), slots[:, 1::2].view(np.int8)
    return first + second, first - second


def score_matrix(
    seekers: Seekers,
    offers: Offers,
    *,
    weights: Weights,
    kind: str = ONE_TO_ONE,
    today: int = 0,
    exclude_pairs: Iterable[tuple[int, int]] = (),
    block: int = 256,
    components: bool = False,
    check_open: bool = True,
    threads: int | None = None,
) -> Matrix:
    """Every mentee (rows) against every mentor (columns), in blocks of mentees.

    Four matrix products per block: (1) the linear criteria (traits, formats,
    rhythm, seniority, years) as one-hot and multi-hot mentor columns, weights
    and constants folded in, dense; (2) shared time; (3) skills, the level fit
    and the covered importance coded in one number; (4) languages, unmet
    must-haves and industries coded in one number. A mentee uses a few dozen
    of the week's half hours, wants a few skills and speaks a few languages,
    so (2), (3) and (4) are sparse mentee rows times dense mentor columns. Only
    caps and the skills ratio are elementwise, on blocks that stay in cache.
    `threads` blocks run at once (default: one per core), each on one core.

    Shared time is exact in quarter hours with half hours as columns: with g
    the quarters a person uses in each half hour (0-2) and s = +1 / -1 / 0
    where only the first / only the second / neither or both quarter is, the
    shared quarters of two people are (g_e . g_m + s_e . s_m) / 2.

    `values` (components=True) are for eligible pairs only, and for criteria
    whose weight is above 0.
    """
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    e, m = len(seekers), len(offers)
    w = weights
    n_skills, n_languages = offers.skills.columns, offers.languages.columns
    n_industries = offers.industries.columns
    fuse_industries = n_industries <= MAX_FUSED_INDUSTRIES

    # Shared time: half hours used on each side, and the quarter edges.
    seeker_slots = (
        seekers.slots if seekers.slots is not None else np.zeros((e, SLOTS_PER_WEEK), dtype=bool)
    )
    seeker_halves, seeker_edges = _half_hours(seeker_slots)
    mentor_halves, mentor_edges = _half_hours(offers.slot_masks())
    used = np.flatnonzero(seeker_halves.any(axis=0) & mentor_halves.any(axis=0))
    # A half hour with an edge on each side (it is used on both, so it is in `used`).
    edged = np.flatnonzero(seeker_edges.any(axis=0) & mentor_edges.any(axis=0))
    # A mentee uses a few dozen of the week's half hours: sparse rows, g then s.
    time_e = _csr(np.hstack([seeker_halves[:, used], seeker_edges[:, edged]]))
    time_m = np.ascontiguousarray(
        np.vstack([mentor_halves[:, used].T, mentor_edges[:, edged].T]), dtype=np.float32
    )
    has_slots: Bools = np.asarray(seeker_slots.any(axis=1))

    # The linear criteria with their weights, and every constant.
    linear = _linear(seekers, offers, kind)
    importance = np.bincount(
        seekers.wanted.owners, weights=seekers.wanted.value.astype(np.float64), minlength=e
    ).astype(np.float64)
    has_industries = np.diff(seekers.industries.ptr) > 0
    # Criteria the mentee said nothing about count as NEUTRAL, as a constant.
    constant = NEUTRAL * (
        w["skills"] * (importance == 0)
        + w["industry"] * ~has_industries
        + w["availability"] * ~has_slots
    ) + sum(w[name] * value for name, value in linear.constants.items())
    linear_e = np.hstack(
        [w[name] * mentee for name, mentee, _ in linear.parts] + [constant[:, None]]
    ).astype(np.float32)
    linear_m = np.vstack(
        [mentor for _, _, mentor in linear.parts] + [np.ones((1, m), dtype=np.float32)]
    )

    # Skills, languages, must-haves and industries.
    has = (offers.skills.dense(m) > 0).astype(np.float32)
    skills_m = offers.skills.dense(m, table=LEVEL_FIT.astype(np.float32)) + SKILL_STEP * has
    industries_m = offers.industries.dense(m)
    hard_m = np.vstack(
        [
            offers.languages.dense(m, table=PROFICIENCY_FIT.astype(np.float32)),
            (~offers.has_languages)[None, :].astype(np.float32),
            MUST_STEP * (1 - has),
            INDUSTRY_STEP * industries_m if fuse_industries else np.zeros((0, m), np.float32),
            np.ones((1, m), dtype=np.float32),
        ]
    )
    open_m = offers.open_to_requests(today) if check_open else np.ones(m, dtype=bool)
    # Sparse mentee rows, scaled by powers of two so that the products stay exact
    # and arrive decoded-ready. Hard columns: languages, "lists a language",
    # must-haves, industries (when fused), "lists none".
    has_langs = np.diff(seekers.languages.ptr) > 0
    fused = n_industries if fuse_industries else 0
    hard_parts = [
        _entries(seekers.languages, 0),
        _constant_column(has_langs, n_languages),
        _entries(seekers.must, n_languages + 1),
        _constant_column(~has_langs, n_languages + 1 + n_skills + fused),
    ]
    if fuse_industries:
        hard_parts.append(_entries(seekers.industries, n_languages + 1 + n_skills))
    hard_scaled = _sparse(hard_parts, (e, hard_m.shape[0]), 1 / INDUSTRY_STEP)
    wanted_scaled = _sparse([_entries(seekers.wanted, 0)], (e, n_skills), 2 / SKILL_STEP)
    ind_e = _sparse([_entries(seekers.industries, 0)], (e, n_industries), 1.0)
    # Availability: min(1, quarters / (4 * target)) * weight, from 2 * quarters.
    av_scale = (w["availability"] / (8 * seekers.target_hours)).astype(np.float32)
    coverage_scale = np.divide(
        w["skills"], 2 * importance, out=np.zeros_like(importance), where=importance > 0
    ).astype(np.float32)

    scores = np.empty((e, m), dtype=np.float32)
    eligible = np.empty((e, m), dtype=bool)
    unmet_all = np.empty((e, m), dtype=bool) if components else None
    no_language_all = np.empty((e, m), dtype=bool) if components else None
    kept: dict[str, F32] | None = (
        {name: np.zeros((e, m), dtype=np.float32) for name in CRITERIA} if components else None
    )
    # Caps as whole blocks: NumPy's minimum against an array is several times
    # faster than against a broadcast scalar.
    shape = (min(block, e), m)
    ones = np.ones(shape, dtype=np.float32)
    av_cap = np.full(shape, w["availability"], dtype=np.float32)
    language_cap = np.full(shape, 1 / INDUSTRY_STEP, dtype=np.float32)

    def run(lo: int, x: F32, a: F32, b: F32, y: F32, z: F32) -> None:
        hi = min(lo + block, e)
        rows, r = slice(lo, hi), hi - lo
        x, a, b, y, z = x[:r], a[:r], b[:r], y[:r], z[:r]
        np.matmul(linear_e[rows], linear_m, out=x)  # the linear criteria: the score so far

        a.fill(0)
        _add_product(time_e, lo, hi, time_m, a)  # g_e . g_m + s_e . s_m = 2 * shared quarters
        a *= av_scale[rows, None]
        np.minimum(a, av_cap[:r], out=a)
        if kept is not None:
            kept["availability"][rows] = np.where(
                has_slots[rows, None], _share(a, w["availability"]), NEUTRAL
            )
        x += a

        y.fill(0)
        _add_product(wanted_scaled, lo, hi, skills_m, y)  # 2 * covered + 2N / STEP
        # Importance comes in halves, so 2 * covered is a whole number and N < STEP / 2.
        np.floor(y, out=a)  # 2 * covered importance
        y -= a  # 2N / STEP
        np.copyto(b, y)
        b += np.float32(2 * KAPPA / SKILL_STEP)  # 2 (N + K) / STEP
        y *= np.float32(1 + KAPPA)
        y /= b
        np.minimum(y, ones[:r], out=y)
        a *= coverage_scale[rows, None]  # weight * covered / W
        y *= a
        if kept is not None:
            kept["skills"][rows] = np.where(
                importance[rows, None] > 0, _share(y, w["skills"]), NEUTRAL
            )
        x += y

        # industries + (language fit + MUST_STEP * unmet) / INDUSTRY_STEP
        z.fill(0)
        _add_product(hard_scaled, lo, hi, hard_m, z)
        np.floor(z, out=a)
        z -= a  # (language fit + MUST_STEP * unmet) / INDUSTRY_STEP
        if not fuse_industries:
            a.fill(0)
            _add_product(ind_e, lo, hi, industries_m, a)
        np.minimum(a, ones[:r], out=a)  # a count of wanted industries: any at all
        a *= np.float32(w["industry"])
        if kept is not None:
            kept["industry"][rows] = np.where(
                has_industries[rows, None], _share(a, w["industry"]), NEUTRAL
            )
        x += a
        ok = eligible[rows]
        np.less(z, np.float32(MUST_STEP / INDUSTRY_STEP), out=ok)  # every must-have met
        ok &= z > 0  # a shared language (or one side lists none)
        ok &= open_m[None, :]
        if kept is not None and unmet_all is not None and no_language_all is not None:
            unmet_all[rows] = ~(z < np.float32(MUST_STEP / INDUSTRY_STEP))
            # The language fit alone, without the must-have steps riding on it.
            language_fit = z * np.float32(INDUSTRY_STEP)
            language_fit -= np.float32(MUST_STEP) * np.floor(language_fit / np.float32(MUST_STEP))
            no_language_all[rows] = ~(language_fit > 0)
            kept["languages"][rows] = np.minimum(language_fit, 1)
            for name in ("traits", "formats", "experience"):
                kept[name][rows] = linear.product(rows, name)
        np.minimum(z, language_cap[:r], out=z)
        z *= np.float32(INDUSTRY_STEP * w["languages"])
        x += z
        np.minimum(x, ones[:r], out=scores[rows])

    starts = list(range(0, e, block))
    workers = max(1, min(threads or os.cpu_count() or 1, len(starts)))

    def work(first: int) -> None:
        buffers = [np.empty(shape, dtype=np.float32) for _ in range(5)]
        for lo in starts[first::workers]:
            run(lo, *buffers)

    if workers > 1:
        # One BLAS thread per block: the blocks' elementwise steps then run in
        # parallel too, instead of waiting between multi-threaded products.
        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, range(workers)))
    else:
        work(0)

    # The mentee's own account, and pairs the caller rules out.
    own_rows, own_columns = _positions(seekers.ids, offers.ids, seekers.ids)
    eligible[own_rows, own_columns] = False
    pairs = np.array(list(exclude_pairs), dtype=np.int64).reshape(-1, 2)
    rows_out, columns_out = _positions(seekers.ids, offers.ids, pairs[:, 0], pairs[:, 1])
    eligible[rows_out, columns_out] = False
    if kept is not None and any(w[name] == 0 for name in CRITERIA):
        # A weight of 0 hides its criterion's value in the folded products: read
        # the values with every criterion counted, the scores stay these.
        uniform = Weights.of(dict.fromkeys(CRITERIA, 1.0))
        kept = score_matrix(
            seekers,
            offers,
            weights=uniform,
            kind=kind,
            today=today,
            block=block,
            components=True,
            check_open=check_open,
            threads=threads,
        ).values
    return Matrix(scores, eligible, unmet_all, no_language_all, kept)


def _share(part: F32, weight: float) -> F32:
    return part / weight if weight else np.zeros_like(part)


def score_matrix_peer(
    a_seekers: Seekers,
    a_offers: Offers,
    b_seekers: Seekers,
    b_offers: Offers,
    *,
    weights: Weights,
    today: int = 0,
    exclude_pairs: Iterable[tuple[int, int]] = (),
    block: int = 512,
) -> Matrix:
    """Peers score symmetrically: the mean of a-as-mentee with b-as-mentor and the reverse.

    `a_seekers` and `a_offers` describe the same people in the same order (so do b's).
    A pair is eligible when both directions are.
    """
    pairs = list(exclude_pairs)
    forward = score_matrix(
        a_seekers,
        b_offers,
        weights=weights,
        kind=PEER,
        today=today,
        exclude_pairs=pairs,
        block=block,
    )
    backward = score_matrix(
        b_seekers,
        a_offers,
        weights=weights,
        kind=PEER,
        today=today,
        exclude_pairs=[(m, e) for e, m in pairs],
        block=block,
        check_open=False,
    )
    return Matrix(
        scores=((forward.scores + backward.scores.T) / 2).astype(np.float32),
        eligible=forward.eligible & backward.eligible.T,
    )
