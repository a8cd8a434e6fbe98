"""Fair exposure: the order mentees see, given honest scores.

The score a person sees is never changed. Only the order is:

1. Load. A mentor with many requests waiting and few free places is gently
   moved down, so one popular mentor is not buried in requests while others
   wait: the ranking key is `score * (1 - LOAD_PENALTY * pressure)`, where
   `pressure = pending / (pending + free places)` goes from 0 (nobody
   waiting) towards 1 (a queue much longer than the free places). At most
   LOAD_PENALTY (8%) of the score.
2. Near-ties rotate daily. Each (mentee, mentor, day) gets a stable
   pseudo-random offset below NEAR_TIE (0.01, one point of the score shown
   as a percentage), so mentors within a point of each other take turns at
   the top: differently for each mentee, and differently each day, but
   the same on every page load of that day.
3. Ties break on the mentor id, so the order is fully deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

LOAD_PENALTY = 0.08
NEAR_TIE = 0.01

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _splitmix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def rotation(ids: npt.NDArray[np.int64], seed: int) -> npt.NDArray[np.float64]:
    """A stable number in [0, 1) per id for this seed (mentee and day)."""
    mixed = _splitmix64(
        np.asarray(ids, dtype=np.int64).astype(np.uint64)
        ^ _splitmix64(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))[0]
    )
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def rotation_seed(mentee_id: int, day: int) -> int:
    """The seed for a mentee on a day (a day number: date.toordinal())."""
    return (int(mentee_id) * 1_000_003 + int(day)) & 0xFFFFFFFFFFFFFFFF


def ranking_keys(
    scores: npt.NDArray[np.float64],
    ids: npt.NDArray[np.int64],
    free_places: npt.ArrayLike,
    pending: npt.ArrayLike,
    seed: int,
) -> npt.NDArray[np.float64]:
    free = np.maximum(np.asarray(free_places, dtype=np.float64), 0)
    waiting = np.maximum(np.asarray(pending, dtype=np.float64), 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pressure = np.where(waiting > 0, waiting / (waiting + free), 0.0)
    return scores * (1 - LOAD_PENALTY * pressure) + NEAR_TIE * rotation(ids, seed)


def top(
    keys: npt.NDArray[np.float64],
    ids: npt.NDArray[np.int64],
    candidates: npt.NDArray[np.bool_],
    *,
    offset: int,
    limit: int,
) -> npt.NDArray[np.intp]:
    """Positions of candidates offset..offset+limit by key (highest first, then lowest id)."""
    positions = np.flatnonzero(candidates)
    return positions[_top_of(keys[positions], ids[positions], offset=offset, limit=limit)]


def _top_of(
    keys: npt.NDArray[np.float64], ids: npt.NDArray[np.int64], *, offset: int, limit: int
) -> npt.NDArray[np.intp]:
    """`top` over every position of `keys`."""
    wanted = offset + limit
    if wanted <= 0 or len(keys) == 0:
        return np.zeros(0, dtype=np.intp)
    if wanted < len(keys):
        part = np.argpartition(-keys, wanted - 1)[:wanted]
        # Keys equal to the cut-off may lie outside the partition: include them all.
        chosen = np.flatnonzero(keys >= keys[part].min())
    else:
        chosen = np.arange(len(keys))
    order = np.lexsort((ids[chosen], -keys[chosen]))
    return chosen[order][offset:wanted]


def rank_positions(
    scores: npt.NDArray[np.float64],
    ids: npt.NDArray[np.int64],
    candidates: npt.NDArray[np.bool_],
    free_places: npt.ArrayLike,
    pending: npt.ArrayLike,
    seed: int,
    *,
    offset: int,
    limit: int,
) -> npt.NDArray[np.intp]:
    """`top` of `ranking_keys`, computing keys for the candidates only (the browse path)."""
    positions = np.flatnonzero(candidates)
    chosen_ids = ids[positions]
    keys = ranking_keys(
        scores[positions],
        chosen_ids,
        np.asarray(free_places)[positions],
        np.asarray(pending)[positions],
        seed,
    )
    return positions[_top_of(keys, chosen_ids, offset=offset, limit=limit)]
