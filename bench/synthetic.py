"""Synthetic people as engine arrays, generated in NumPy (no database): for the
benchmarks of the matching maths at sizes the seed command would take minutes for."""

from __future__ import annotations

import numpy as np

from matching.engine.features import (
    SLOTS_PER_WEEK,
    Inverted,
    Offers,
    Rows,
    Seekers,
    Vocabulary,
)

VOCAB = Vocabulary(skills=70, languages=33, industries=22)


def _links(rng: np.random.Generator, n: int, low: int, high: int, columns: int, popular: float):
    """Each of n people gets low..high distinct columns, a few columns far more popular."""
    counts = rng.integers(low, high + 1, size=n)
    weights = 1.0 / np.arange(1, columns + 1) ** popular
    weights /= weights.sum()
    rows, cols = [], []
    total = int(counts.sum())
    picks = rng.choice(columns, size=(total * 2), p=weights)
    at = 0
    for person, count in enumerate(counts):
        chosen = np.unique(picks[at : at + 2 * count])[:count]
        at += 2 * count
        rows.append(np.full(len(chosen), person))
        cols.append(chosen)
    return np.concatenate(rows), np.concatenate(cols)


def _windows(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = rng.integers(2, 7, size=n)
    owner = np.repeat(np.arange(n), counts)
    day = rng.integers(0, 7, size=len(owner))
    start = day * 96 + rng.integers(0, 96 - 12, size=len(owner))
    end = start + rng.choice([4, 6, 8, 8, 10, 12], size=len(owner))
    order = np.lexsort((start, owner))
    return owner[order], start[order], end[order]


def offers(n: int, seed: int = 1) -> Offers:
    rng = np.random.default_rng(seed)
    s_rows, s_cols = _links(rng, n, 5, 12, VOCAB.skills, 0.6)
    l_rows, l_cols = _links(rng, n, 1, 3, VOCAB.languages, 1.4)
    i_rows, i_cols = _links(rng, n, 1, 3, VOCAB.industries, 0.8)
    owner, start, end = _windows(rng, n)
    # Merge overlapping windows of one person.
    keep_start = np.ones(len(owner), dtype=bool)
    merged_end = end.copy()
    for k in range(1, len(owner)):
        if owner[k] == owner[k - 1] and start[k] <= merged_end[k - 1]:
            keep_start[k] = False
            merged_end[k] = max(merged_end[k], merged_end[k - 1])
    last = np.ones(len(owner), dtype=bool)
    last[:-1] = ~(~keep_start[1:] & (owner[1:] == owner[:-1]))
    starts, ends = start[keep_start], merged_end[last]
    owners = owner[keep_start]
    ptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(owners, minlength=n), out=ptr[1:])
    return Offers(
        ids=np.arange(1, n + 1, dtype=np.int64) + 1_000_000,
        skills=Inverted.build(s_rows, s_cols, rng.integers(1, 6, len(s_rows)), VOCAB.skills),
        languages=Inverted.build(l_rows, l_cols, rng.integers(1, 5, len(l_rows)), VOCAB.languages),
        industries=Inverted.build(i_rows, i_cols, np.ones(len(i_rows)), VOCAB.industries),
        traits=rng.integers(0, 64, n).astype(np.uint8),
        formats=rng.integers(1, 16, n).astype(np.uint8),
        kinds=rng.integers(1, 64, n).astype(np.uint8),
        frequency=rng.integers(0, 4, n).astype(np.int8),
        seniority=rng.integers(2, 7, n).astype(np.int8),
        years=rng.integers(2, 40, n).astype(np.int8),
        capacity=rng.integers(1, 6, n).astype(np.uint8),
        taken=np.zeros(n, dtype=np.uint8),
        pending=rng.integers(0, 4, n).astype(np.uint8),
        accepting=rng.random(n) < 0.95,
        paused_until=np.zeros(n, dtype=np.int32),
        slot_ptr=ptr,
        slot_start=starts.astype(np.uint16),
        slot_end=ends.astype(np.uint16),
    )


def seekers(n: int, seed: int = 2) -> Seekers:
    rng = np.random.default_rng(seed)
    w_rows, w_cols = _links(rng, n, 3, 8, VOCAB.skills, 0.6)
    weights = rng.choice([0.5, 1.0, 1.5, 2.0], size=len(w_rows), p=[0.2, 0.4, 0.25, 0.15])
    must = weights == 2.0
    l_rows, l_cols = _links(rng, n, 1, 3, VOCAB.languages, 1.4)
    i_rows, i_cols = _links(rng, n, 0, 2, VOCAB.industries, 0.8)
    owner, start, end = _windows(rng, n)
    slots = np.zeros((n, SLOTS_PER_WEEK), dtype=bool)
    for o, a, b in zip(owner, start, end, strict=True):
        slots[o, a:b] = True
    return Seekers(
        ids=np.arange(1, n + 1, dtype=np.int64),
        wanted=Rows.build(w_rows, w_cols, weights, n),
        must=Rows.build(w_rows[must], w_cols[must], np.ones(int(must.sum())), n),
        languages=Rows.build(l_rows, l_cols, rng.choice([0.25, 0.5, 1.0], len(l_rows)), n),
        industries=Rows.build(i_rows, i_cols, np.ones(len(i_rows)), n),
        traits=rng.integers(0, 8, n).astype(np.uint8),
        formats=rng.integers(0, 4, n).astype(np.uint8),
        frequency=rng.integers(-1, 4, n).astype(np.int8),
        seniority=rng.integers(1, 5, n).astype(np.int8),
        wanted_seniority=np.where(rng.random(n) < 0.3, rng.integers(3, 7, n), 0).astype(np.int8),
        min_years=np.where(rng.random(n) < 0.3, rng.integers(2, 15, n), 0).astype(np.int8),
        target_hours=rng.choice([1.0, 2.0, 3.0], n).astype(np.float32),
        slots=slots,
    )
