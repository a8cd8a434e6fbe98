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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matching.engine.features import (
    F32,
    F64,
    MAX_SENIORITY,
    MAX_YEARS,
    SLOTS_PER_WEEK,
    Bools,
    Offers,
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


def _popcount(values: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    return np.bitwise_count(values)


# --- Per-mentee rows shared by both scorers ----------------------------------------------


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
    covered_fit: F64 = np.zeros(n)
    covered: F64 = np.zeros(n)
    if slices:
        holders = np.concatenate([sk.pos[s] for s in slices])
        weight_each = np.repeat(importance.astype(np.float64), [s.stop - s.start for s in slices])
        levels = np.concatenate([sk.value[s] for s in slices])
        covered_fit = np.bincount(
            holders, weights=weight_each * np.take(LEVEL_FIT, levels), minlength=n
        ).astype(np.float64)
        covered = np.bincount(holders, weights=weight_each, minlength=n).astype(np.float64)
    if total_importance > 0:
        depth = np.minimum(1.0, (1 + KAPPA) * covered_fit / (covered_fit + KAPPA))
        values["skills"] = depth * (covered / total_importance)
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
        shared = np.bincount(holders, weights=fit, minlength=n)
        known = offers.has_languages
        values["languages"] = np.where(known, np.minimum(1.0, shared), NEUTRAL)
        no_language = known & (shared <= 0)
    else:
        values["languages"] = _neutral(n)
        no_language = np.zeros(n, dtype=bool)

    # Industry.
    ind_cols, _ = seeker.industries.row(0)
    if len(ind_cols):
        ind = offers.industries
        holders = np.concatenate([ind.pos[ind.ptr[c] : ind.ptr[c + 1]] for c in ind_cols])
        values["industry"] = np.minimum(1.0, np.bincount(holders, minlength=n).astype(np.float64))
    else:
        values["industry"] = _neutral(n)

    # Experience, traits, formats: small per-mentee tables read at each mentor's code.
    exp_table, trait_table, fmt_table = _lookup_tables(seeker, kind)
    values["experience"] = np.take(exp_table, offers.experience_code)
    values["traits"] = np.take(trait_table, offers.traits)
    values["formats"] = np.take(fmt_table, offers.format_code)

    # Availability: prefix sums of the mentee's mask, read at each mentor interval,
    # summed per mentor through a running total.
    if seeker.slots is not None and seeker.slots[0].any():
        # int16 prefix sums (at most 672) make the two lookups about three times faster.
        prefix = np.zeros(SLOTS_PER_WEEK + 1, dtype=np.int16)
        np.cumsum(seeker.slots[0], out=prefix[1:])
        running = np.zeros(len(offers.slot_start) + 1, dtype=np.int32)
        np.cumsum(
            np.take(prefix, offers.slot_end) - np.take(prefix, offers.slot_start),
            dtype=np.int32,
            out=running[1:],
        )
        quarters = running[offers.slot_ptr[1:]] - running[offers.slot_ptr[:-1]]
        shared_hours = quarters / 4
        values["availability"] = np.minimum(1.0, shared_hours / float(seeker.target_hours[0]))
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
                    np.diff(offers.slot_ptr) > 0,
                    np.minimum(1.0, np.nan_to_num(shared_hours) / reverse_seekers.target_hours),
                    NEUTRAL,
                )
            values[name] = (values[name] + backwards) / 2
        must_unmet = must_unmet | back.must_unmet[:, 0]
        no_language = no_language | back.no_language[:, 0]

    constant = sum(weights[name] * NEUTRAL for name in CRITERIA if _is_neutral(values[name]))
    total = np.full(n, float(constant))
    scratch = np.empty(n)
    for name in CRITERIA:
        if not _is_neutral(values[name]):
            np.multiply(values[name], weights[name], out=scratch)
            total += scratch
    # Normalised weights can sum to 1 + 2e-16.
    np.minimum(total, 1.0, out=total)
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
class _MentorSide:
    first: F32  # slots used, linear one-hot/multi-hot columns, a constant row
    skills: F32  # per skill: level fit + SKILL_STEP * has it
    hard: F32  # languages, "lists none", MUST_STEP * lacks skill, INDUSTRY_STEP * industry, 1
    industries: F32 | None  # its own product when the vocabulary is too large to fuse
    open: Bools


def _mentor_linear(offers: Offers) -> F32:
    m = len(offers)
    seniority = np.zeros((MAX_SENIORITY + 1, m), dtype=np.float32)
    seniority[offers.seniority.astype(np.intp), np.arange(m)] = 1
    years = np.zeros((MAX_YEARS + 2, m), dtype=np.float32)
    years[offers.years.astype(np.intp) + 1, np.arange(m)] = 1
    rhythm = np.zeros((5, m), dtype=np.float32)
    rhythm[offers.frequency.astype(np.intp) + 1, np.arange(m)] = 1
    return np.vstack(
        [
            _bit_matrix(offers.traits, 6),
            _bit_matrix(offers.formats, 4),
            rhythm,
            seniority,
            years,
        ]
    )


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
    threads: int = 1,
) -> Matrix:
    """Every mentee (rows) against every mentor (columns), in blocks of mentees.

    Three matrix products per block: (1) shared UTC slots together with every
    linear criterion (traits, formats, rhythm, seniority, years) as one-hot and
    multi-hot columns, the linear part riding in the fraction; (2) skills, the
    level fit and the covered importance coded in one number; (3) languages,
    unmet must-haves and industries coded in one number. Only caps and the
    skills ratio are elementwise, on blocks that stay in cache, two at a time.

    Scores are exact to about 1e-4 (the linear part shares a float32 with the
    slot count). `values` (components=True) are for eligible pairs only, and for
    criteria whose weight is above 0.
    """
    from concurrent.futures import ThreadPoolExecutor

    e, m = len(seekers), len(offers)
    w = weights
    n_skills, n_languages = offers.skills.columns, offers.languages.columns
    n_industries = offers.industries.columns
    fuse_industries = n_industries <= MAX_FUSED_INDUSTRIES

    # Mentor side.
    has = (offers.skills.dense(m) > 0).astype(np.float32)
    mentor_slots = offers.slot_masks()
    seeker_slots = (
        seekers.slots if seekers.slots is not None else np.zeros((e, SLOTS_PER_WEEK), dtype=bool)
    )
    # Only slots someone on each side uses can add shared time.
    used = seeker_slots.any(axis=0) & mentor_slots.any(axis=0)
    linear_m = _mentor_linear(offers)
    first_m = np.vstack(
        [
            mentor_slots[:, used].T.astype(np.float32),
            linear_m,
            np.ones((1, m), dtype=np.float32),
        ]
    )
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

    # Mentee side, weights folded in.
    wanted = seekers.wanted.dense(n_skills)
    importance = wanted.sum(axis=1)
    must = seekers.must.dense(n_skills)
    langs = seekers.languages.dense(n_languages)
    wanted_ind = seekers.industries.dense(n_industries)
    has_slots = seeker_slots.any(axis=1)
    has_langs = langs.any(axis=1)
    sen_row, years_row, exp_const = experience_rows(seekers, kind)
    trait_row, trait_const = trait_rows(seekers)
    fmt_row, rhythm_row, fmt_const = format_rows(seekers)
    linear = np.hstack(
        [
            w["traits"] * trait_row,
            w["formats"] * fmt_row,
            w["formats"] * rhythm_row,
            w["experience"] * sen_row,
            w["experience"] * years_row,
        ]
    )
    # Criteria the mentee said nothing about count as NEUTRAL, as a constant.
    neutral = NEUTRAL * (
        w["skills"] * (importance == 0)
        + w["industry"] * ~wanted_ind.any(axis=1)
        + w["availability"] * ~has_slots
    )
    constant = (
        w["traits"] * trait_const + w["formats"] * fmt_const + w["experience"] * exp_const + neutral
    )
    first_e = np.hstack(
        [
            seeker_slots[:, used].astype(np.float32),
            0.5 * linear,
            (0.25 + 0.5 * constant)[:, None],
        ]
    ).astype(np.float32)
    hard_e = np.hstack(
        [
            langs,
            np.where(has_langs, NEUTRAL, 0.0)[:, None],
            must,
            wanted_ind if fuse_industries else np.zeros((e, 0)),
            np.where(has_langs, 0.0, NEUTRAL)[:, None],
        ]
    ).astype(np.float32)
    ind_e = wanted_ind.astype(np.float32)
    # Scaled by powers of two, so the products stay exact and arrive decoded-ready.
    wanted_scaled = (wanted * np.float32(2 / SKILL_STEP)).astype(np.float32)
    hard_scaled = (hard_e * np.float32(1 / INDUSTRY_STEP)).astype(np.float32)
    # Availability: min(1, quarters / (4 * target)) * weight == min(quarters * a, weight).
    av_scale = (w["availability"] / (4 * seekers.target_hours)).astype(np.float32)
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

    def run(lo: int) -> None:
        hi = min(lo + block, e)
        rows = slice(lo, hi)
        x = first_e[rows] @ first_m
        quarters = np.floor(x)
        total = x
        total -= quarters
        total *= 2
        total -= 0.5
        quarters *= av_scale[rows, None]
        np.minimum(quarters, np.float32(w["availability"]), out=quarters)
        total += quarters

        y = wanted_scaled[rows] @ skills_m  # 2 * covered + 2N / STEP
        # Importance comes in halves, so 2 * covered is a whole number and N < STEP / 2.
        covered2 = np.floor(y)  # 2 * covered importance
        fit = y
        fit -= covered2  # 2N / STEP
        depth = fit + np.float32(2 * KAPPA / SKILL_STEP)  # 2 (N + K) / STEP
        fit *= np.float32(1 + KAPPA)
        fit /= depth
        np.minimum(fit, 1, out=fit)
        covered2 *= coverage_scale[rows, None]  # weight * covered / W
        fit *= covered2
        total += fit

        z = hard_scaled[rows] @ hard_m  # industries + (language fit + MUST_STEP * unmet) / STEP
        industry = np.floor(z)
        rest = z
        rest -= industry  # (language fit + MUST_STEP * unmet) / INDUSTRY_STEP
        if not fuse_industries:
            industry = ind_e[rows] @ industries_m
        np.minimum(industry, 1, out=industry)
        industry *= np.float32(w["industry"])
        total += industry
        must_ok = rest < np.float32(MUST_STEP / INDUSTRY_STEP)
        speaks = rest > 0
        lang = np.minimum(rest, np.float32(1 / INDUSTRY_STEP))
        lang *= np.float32(INDUSTRY_STEP * w["languages"])
        total += lang
        np.minimum(total, 1, out=scores[rows])
        ok = eligible[rows]
        np.logical_and(must_ok, speaks, out=ok)
        ok &= open_m[None, :]
        if kept is not None and unmet_all is not None and no_language_all is not None:
            unmet_all[rows] = ~must_ok
            # The language fit alone, without the must-have steps riding on it.
            language_fit = rest * np.float32(INDUSTRY_STEP)
            language_fit -= np.float32(MUST_STEP) * np.floor(language_fit / np.float32(MUST_STEP))
            no_language_all[rows] = ~(language_fit > 0)

            def share(part: F32, name: str) -> F32:
                return part / w[name] if w[name] else np.zeros_like(part)

            kept["availability"][rows] = np.where(
                np.asarray(has_slots)[rows, None], share(quarters, "availability"), NEUTRAL
            )
            kept["skills"][rows] = np.where(
                np.asarray(importance)[rows, None] > 0, share(fit, "skills"), NEUTRAL
            )
            kept["industry"][rows] = np.where(
                np.asarray(wanted_ind[rows].any(axis=1))[:, None],
                share(industry, "industry"),
                NEUTRAL,
            )
            kept["languages"][rows] = np.minimum(language_fit, 1)
            kept["traits"][rows] = trait_row[rows] @ linear_m[:6] + trait_const[rows, None]
            kept["formats"][rows] = (
                fmt_row[rows] @ linear_m[6:10]
                + rhythm_row[rows] @ linear_m[10:15]
                + fmt_const[rows, None]
            )
            kept["experience"][rows] = (
                sen_row[rows] @ linear_m[15:22]
                + years_row[rows] @ linear_m[22:]
                + exp_const[rows, None]
            )

    starts = range(0, e, block)
    if threads > 1 and e > block:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(run, starts))
    else:
        for lo in starts:
            run(lo)

    # The mentee's own account, and pairs the caller rules out.
    mentor_at = {int(pid): j for j, pid in enumerate(offers.ids)}
    for i, pid in enumerate(seekers.ids):
        own = mentor_at.get(int(pid))
        if own is not None:
            eligible[i, own] = False
    mentee_at = {int(pid): i for i, pid in enumerate(seekers.ids)}
    for mentee_id, mentor_id in exclude_pairs:
        row, column = mentee_at.get(mentee_id), mentor_at.get(mentor_id)
        if row is not None and column is not None:
            eligible[row, column] = False
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
        ).values
    return Matrix(scores, eligible, unmet_all, no_language_all, kept)


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
