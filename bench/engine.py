"""The matching maths on synthetic arrays (no database): the bulk matrix and one ranking."""

from __future__ import annotations

import statistics
import time

import numpy as np

from bench import synthetic
from matching.engine import exposure
from matching.engine.features import Offers, Seekers
from matching.engine.scoring import Weights, score_matrix, score_one

REPEATS = 5
# The floor: score_matrix's products done as dense float32 products at 10k x 2k,
# the way a straightforward version does them: shared half hours (336) with
# the linear criteria (traits 6, formats 4, rhythm 5, seniority 7, the years
# mentees ask for 1 + 13, a constant), the quarter edges (335), skills (70),
# and languages with must-haves and industries (127). score_matrix does the
# last three as sparse products, so it can come in under this floor.
FLOOR_INNER = (336 + 37, 335, 70, 127)
RANK_MENTEES = 50
RANK_ROUNDS = 3
DAY = 739_000  # a day number for the rotation seed (any fixed day)

Result = tuple[str, float, str]


def _median_seconds(run, repeats: int = REPEATS) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def matrix_benchmarks() -> list[Result]:
    seekers = synthetic.seekers(10_000)
    offers = synthetic.offers(2_000, seed=5)
    weights = Weights.of()

    def run_matrix() -> None:
        score_matrix(seekers, offers, weights=weights)

    run_matrix()  # warm-up (allocator, BLAS threads)
    matrix = _median_seconds(run_matrix)

    rng = np.random.default_rng(0)
    e, m = len(seekers), len(offers)
    lefts = [rng.random((e, k), dtype=np.float32) for k in FLOOR_INNER]
    rights = [rng.random((k, m), dtype=np.float32) for k in FLOOR_INNER]

    def run_floor() -> None:
        for left, right in zip(lefts, rights, strict=True):
            np.matmul(left, right)

    run_floor()
    floor = _median_seconds(run_floor)
    return [
        ("matrix_10k_x_2k_seconds", matrix, "s"),
        ("matrix_floor_seconds", floor, "s"),
        ("matrix_vs_floor_ratio", matrix / floor, "x"),
    ]


def _popular(column_ptr: np.ndarray) -> int:
    return int(np.argmax(np.diff(column_ptr)))


def rank_once(
    seeker: Seekers, offers: Offers, weights: Weights, skill_col: int, language_col: int
) -> np.ndarray:
    """What the browse page does in memory for one mentee with a skill and a language filter."""
    n = len(offers)
    scored = score_one(seeker, offers, weights=weights, today=0)
    mask = scored.eligible.copy()
    mask &= offers.skills.holders(skill_col, n)
    mask &= offers.languages.holders(language_col, n)
    int(mask.sum())  # the page's count
    return exposure.rank_positions(
        scored.total,
        offers.ids,
        mask,
        offers.free_places,
        offers.pending,
        exposure.rotation_seed(int(seeker.ids[0]), DAY),
        offset=0,
        limit=20,
    )


def rank_benchmarks() -> list[Result]:
    mentees = synthetic.seekers(200)
    rows = [mentees.take(i) for i in range(RANK_MENTEES)]
    weights = Weights.of()
    results: list[Result] = []
    for n, label in ((10_000, "10k"), (100_000, "100k")):
        offers = synthetic.offers(n)
        skill_col = _popular(offers.skills.ptr)
        language_col = _popular(offers.languages.ptr)
        for row in rows:  # warm-up
            rank_once(row, offers, weights, skill_col, language_col)
        timings = []
        for _ in range(RANK_ROUNDS):
            for row in rows:
                started = time.perf_counter()
                rank_once(row, offers, weights, skill_col, language_col)
                timings.append((time.perf_counter() - started) * 1000)
        p50 = float(np.percentile(timings, 50))
        p95 = float(np.percentile(timings, 95))
        results += [(f"rank_{label}_p50_ms", p50, "ms"), (f"rank_{label}_p95_ms", p95, "ms")]
        if n == 100_000:
            results.append(("index_100k_megabytes", offers.nbytes() / 1e6, "MB"))
    return results


BULK_MENTEES, BULK_MENTORS, BULK_CAPACITY = 10_000, 2_000, 5


def bulk_benchmarks() -> list[Result]:
    """Bulk matching 10k mentees x 2k mentors, capacity 5, from features in memory.

    End to end is the score matrix plus the assignment (candidates and solve);
    the exact mode solves over every eligible pair of the same instance, and its
    total is the optimum the fast mode is measured against.
    """
    from matching.engine.assignment import assign

    seekers = synthetic.seekers(BULK_MENTEES)
    offers = synthetic.offers(BULK_MENTORS, seed=5)
    weights = Weights.of()
    capacity = np.full(BULK_MENTORS, BULK_CAPACITY)

    def fast_once() -> tuple[float, float, object, object]:
        started = time.perf_counter()
        matrix = score_matrix(seekers, offers, weights=weights, check_open=False)
        result = assign(matrix.scores, matrix.eligible, capacity)
        return time.perf_counter() - started, result.solver_seconds, result, matrix

    fast_once()  # warm-up (allocator, BLAS and solver threads)
    runs = [fast_once() for _ in range(3)]
    seconds = statistics.median(run[0] for run in runs)
    _, solver, fast, matrix = runs[0]
    started = time.perf_counter()
    matrix = score_matrix(seekers, offers, weights=weights, check_open=False)
    exact = assign(matrix.scores, matrix.eligible, capacity, exact=True)
    exact_seconds = time.perf_counter() - started

    def violations(result) -> tuple[int, int]:
        rows = np.flatnonzero(result.mentor_of >= 0)
        hard = int((~matrix.eligible[rows, result.mentor_of[rows]]).sum())
        over = int((np.bincount(result.mentor_of[rows], minlength=BULK_MENTORS) > capacity).sum())
        return hard, over

    hard, over = (sum(pair) for pair in zip(violations(fast), violations(exact), strict=True))
    placeable = int(matrix.eligible.any(axis=1).sum())
    gap = 100 * (exact.total - fast.total) / exact.total
    return [
        ("bulk_placeable_mentees", placeable, "mentees"),
        ("bulk_fast_10k_x_2k_seconds", seconds, "s"),
        ("bulk_fast_solver_share", solver / seconds, "of end to end"),
        ("bulk_fast_candidate_pairs", fast.arcs, "pairs"),
        ("bulk_fast_matched", fast.matched, "mentees"),
        ("bulk_fast_gap_vs_exact_percent", gap, "%"),
        ("bulk_exact_10k_x_2k_seconds", exact_seconds, "s"),
        ("bulk_exact_matched", exact.matched, "mentees"),
        ("bulk_hard_constraint_violations", hard, "pairs"),
        ("bulk_capacity_violations", over, "mentors"),
    ]
