"""The bulk assignment solver against brute force and an independent solver (no database)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from matching.engine.assignment import (
    CAPACITY,
    COVERAGE,
    FIT,
    MATCHED,
    NO_ELIGIBLE,
    AssignmentError,
    assign,
    candidates,
)


def instance(e: int, m: int, seed: int, density: float = 0.7, top: int = 2):
    rng = np.random.default_rng(seed)
    scores = rng.random((e, m)).astype(np.float32)
    eligible = rng.random((e, m)) < density
    capacity = rng.integers(0, top + 1, size=m)
    return scores, eligible, capacity


def brute_force(scores, eligible, capacity, objective):
    """Every assignment (each mentee to a mentor or to nobody): the best by the objective."""
    e, m = scores.shape
    best = (-1, -1.0)
    for choice in itertools.product(range(-1, m), repeat=e):
        used = np.bincount([c for c in choice if c >= 0], minlength=m)
        if (used > capacity).any() or any(
            c >= 0 and not eligible[r, c] for r, c in enumerate(choice)
        ):
            continue
        matched = sum(c >= 0 for c in choice)
        total = sum(float(scores[r, c]) for r, c in enumerate(choice) if c >= 0)
        key = (matched, total) if objective == COVERAGE else (0, total)
        if key > best:
            best = key
    return best


def check_feasible(result, scores, eligible, capacity) -> None:
    chosen = result.mentor_of
    rows = np.flatnonzero(chosen >= 0)
    assert eligible[rows, chosen[rows]].all(), "an ineligible pair was chosen"
    assert (np.bincount(chosen[rows], minlength=len(capacity)) <= capacity).all()
    assert result.total == pytest.approx(float(scores[rows, chosen[rows]].astype(float).sum()))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", [FIT, COVERAGE])
def test_optimal_against_brute_force(seed: int, objective: str) -> None:
    scores, eligible, capacity = instance(5, 3, seed)
    result = assign(scores, eligible, capacity, objective=objective)
    check_feasible(result, scores, eligible, capacity)
    matched, total = brute_force(scores, eligible, capacity, objective)
    # Integer costs round each score to 1e-4.
    assert result.total == pytest.approx(total, abs=5 * 1e-4)
    if objective == COVERAGE:
        assert result.matched == matched


def independent_optimum(scores, eligible, capacity) -> float:
    """SciPy's LAP on capacity-expanded columns plus one 'nobody' column per mentee."""
    e, m = scores.shape
    expanded = np.repeat(np.arange(m), capacity)
    gain = np.where(eligible[:, expanded], scores[:, expanded], -1e9)
    gain = np.hstack([gain, np.zeros((e, e))])
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return float(sum(gain[r, c] for r, c in zip(rows, cols, strict=True) if gain[r, c] > 0))


@pytest.mark.parametrize("seed", range(3))
def test_equal_to_an_independent_solver_on_larger_instances(seed: int) -> None:
    scores, eligible, capacity = instance(200, 40, seed, density=0.5, top=4)
    exact = assign(scores, eligible, capacity, exact=True)
    fast = assign(scores, eligible, capacity)
    check_feasible(exact, scores, eligible, capacity)
    check_feasible(fast, scores, eligible, capacity)
    optimum = independent_optimum(scores, eligible, capacity)
    assert exact.total == pytest.approx(optimum, rel=1e-4)
    assert fast.total >= optimum * (1 - 0.0005)


def test_the_fast_graph_stays_within_the_target_on_a_cohort() -> None:
    scores, eligible, capacity = instance(1500, 300, 7, density=0.8, top=5)
    exact = assign(scores, eligible, capacity, exact=True)
    fast = assign(scores, eligible, capacity)
    check_feasible(fast, scores, eligible, capacity)
    assert fast.arcs < exact.arcs / 3  # a sparse graph, not the full one
    assert fast.total >= exact.total * (1 - 0.0005)


def max_cardinality(eligible, capacity) -> int:
    expanded = np.repeat(np.arange(eligible.shape[1]), capacity)
    graph = csr_matrix(eligible[:, expanded].astype(np.int8))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


@pytest.mark.parametrize("seed", range(4))
def test_most_matched_reaches_the_maximum_number(seed: int) -> None:
    # Sparse eligibility and scarce places: best fit alone would leave people out.
    scores, eligible, capacity = instance(120, 30, seed, density=0.08, top=3)
    fit = assign(scores, eligible, capacity, objective=FIT, exact=True)
    coverage = assign(scores, eligible, capacity, objective=COVERAGE)
    assert coverage.matched == max_cardinality(eligible, capacity)
    assert coverage.matched >= fit.matched
    check_feasible(coverage, scores, eligible, capacity)


def test_pins_and_exclusions_are_honoured_and_use_places() -> None:
    scores = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.6]], dtype=np.float32)
    eligible = np.ones((3, 2), dtype=bool)
    result = assign(scores, eligible, [1, 2], pins=[(2, 0)], exclude=[(0, 1)])
    assert result.mentor_of[2] == 0  # pinned, though row 0 fits mentor 0 better
    assert result.mentor_of[0] == -1  # mentor 0 is full, and row 0 may not have mentor 1
    assert result.reason[0] == CAPACITY
    assert result.mentor_of[1] == 1


def test_reasons_say_why_someone_is_unmatched() -> None:
    scores = np.full((3, 1), 0.5, dtype=np.float32)
    eligible = np.array([[True], [True], [False]])
    result = assign(scores, eligible, [1])
    assert sorted(result.reason.tolist()) == sorted([MATCHED, CAPACITY, NO_ELIGIBLE])
    assert result.reason[2] == NO_ELIGIBLE


@pytest.mark.parametrize(
    ("pins", "message"),
    [([(0, 0), (1, 0)], "more pins than free places"), ([(0, 0), (0, 1)], "pinned twice")],
)
def test_impossible_pins_are_refused(pins, message) -> None:
    scores = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(AssignmentError, match=message):
        assign(scores, np.ones((2, 2), dtype=bool), [1, 1], pins=pins)
    with pytest.raises(AssignmentError, match="excluded"):
        assign(scores, np.ones((2, 2), dtype=bool), [1, 1], pins=[(0, 0)], exclude=[(0, 0)])


def test_the_candidate_graph_keeps_each_sides_best_and_nothing_disallowed() -> None:
    scores, eligible, _ = instance(100, 60, 3)
    graph = candidates(scores, eligible, per_mentee=5, per_mentor=4)
    assert not (graph & ~eligible).any()
    for row in range(100):
        allowed = np.flatnonzero(eligible[row])
        best = allowed[np.argsort(-scores[row, allowed])[:5]]
        assert graph[row, best].all()
    for col in range(60):
        allowed = np.flatnonzero(eligible[:, col])
        best = allowed[np.argsort(-scores[allowed, col])[:4]]
        assert graph[best, col].all()


def test_nobody_waits_next_to_a_free_eligible_mentor_in_fast_mode() -> None:
    scores, eligible, capacity = instance(400, 80, 11, density=0.3, top=6)
    result = assign(scores, eligible, capacity)
    used = np.bincount(result.mentor_of[result.mentor_of >= 0], minlength=80)
    free = used < capacity
    for row in np.flatnonzero(result.mentor_of < 0):
        assert not (eligible[row] & free).any()
