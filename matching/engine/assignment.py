"""Bulk assignment: every mentee of a cohort to at most one mentor, within capacity.

Pure NumPy plus a min-cost-flow solver (OR-Tools); no database, no settings.
The network: source -> mentee (capacity 1) -> mentor (capacity 1, cost
-score) -> sink (the mentor's free places), and mentee -> sink directly at
cost 0 for "unmatched", so the flow is always feasible. Scores become integer
costs (score x COST_SCALE), which is what the solver needs.

Objectives:
- FIT maximises the total fit. Every eligible score is above 0, so the solver
  never leaves a mentee unmatched next to a free eligible mentor.
- COVERAGE matches as many mentees as possible first, then maximises the fit:
  each matched pair earns a bonus larger than any total fit difference.

Pins are taken as given (the admin's call): they use a place of their mentor
and are not re-solved. Exclusions remove pairs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FIT, COVERAGE = "fit", "coverage"
OBJECTIVES = (FIT, COVERAGE)

MATCHED, NO_ELIGIBLE, CAPACITY = 0, 1, 2
COST_SCALE = 10_000

Progress = Callable[[float, str], None]


class AssignmentError(ValueError):
    """The input cannot be solved as asked (pins beyond a mentor's places, say)."""


@dataclass(frozen=True)
class Assignment:
    mentor_of: npt.NDArray[np.int32]  # per mentee row: the mentor column, or -1
    reason: npt.NDArray[np.int8]  # per mentee row: MATCHED, NO_ELIGIBLE or CAPACITY
    total: float  # the sum of the scores of the assigned pairs (pins included)
    arcs: int  # mentee-mentor pairs the solver considered
    solver_seconds: float

    @property
    def matched(self) -> int:
        return int((self.mentor_of >= 0).sum())


def _quiet(fraction: float, stage: str) -> None:
    return None


def assign(
    scores: npt.NDArray[np.float32],
    eligible: npt.NDArray[np.bool_],
    capacity: npt.ArrayLike,
    *,
    objective: str = FIT,
    exact: bool = False,
    pins: Iterable[tuple[int, int]] = (),
    exclude: Iterable[tuple[int, int]] = (),
    progress: Progress | None = None,
) -> Assignment:
    """The optimal assignment of mentees (rows) to mentors (columns).

    `capacity` is each mentor's free places. `exact=False` solves over a
    candidate graph (each mentee's best mentors and each mentor's best
    mentees), `exact=True` over every eligible pair.
    """
    from ortools.graph.python import min_cost_flow

    if objective not in OBJECTIVES:
        raise AssignmentError(f"Unknown objective: {objective}.")
    report = progress or _quiet
    e, m = scores.shape
    places = np.asarray(capacity, dtype=np.int64).copy()
    allowed = eligible.copy()
    for row, col in exclude:
        allowed[row, col] = False
    any_eligible = allowed.any(axis=1)
    mentor_of = np.full(e, -1, dtype=np.int32)
    for row, col in pins:
        if mentor_of[row] >= 0:
            raise AssignmentError(f"Mentee row {row} is pinned twice.")
        if places[col] <= 0:
            raise AssignmentError(f"Mentor column {col} has more pins than free places.")
        mentor_of[row] = col
        places[col] -= 1
    free_rows = np.flatnonzero(mentor_of < 0)
    allowed[mentor_of >= 0] = False
    allowed[:, places <= 0] = False

    report(0.1, "Building the candidate graph")
    rows, cols = np.nonzero(allowed)
    started = time.perf_counter()
    flow = min_cost_flow.SimpleMinCostFlow()
    # Nodes: mentees 0..e-1, mentors e..e+m-1, source e+m, sink e+m+1.
    source, sink = e + m, e + m + 1
    cost = -np.rint(scores[rows, cols].astype(np.float64) * COST_SCALE).astype(np.int64)
    if objective == COVERAGE:
        cost -= COST_SCALE * (min(e, int(places.sum())) + 1)
    n_free = len(free_rows)
    tails = np.concatenate([np.full(n_free, source), rows, free_rows, e + np.arange(m)])
    heads = np.concatenate([free_rows, e + cols, np.full(n_free, sink), np.full(m, sink)])
    caps = np.concatenate([np.ones(n_free + len(rows) + n_free, dtype=np.int64), places])
    costs = np.concatenate(
        [np.zeros(n_free, dtype=np.int64), cost, np.zeros(n_free + m, dtype=np.int64)]
    )
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(e + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n_free, -n_free
    flow.set_nodes_supplies(np.arange(e + m + 2), supplies)
    report(0.5, "Solving")
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise AssignmentError(f"The solver stopped without an optimum (status {status}).")
    solver_seconds = time.perf_counter() - started
    used = flow.flows(np.arange(n_free, n_free + len(rows))) > 0
    mentor_of[rows[used]] = cols[used]

    reason = np.zeros(e, dtype=np.int8)
    unmatched = mentor_of < 0
    reason[unmatched & ~any_eligible] = NO_ELIGIBLE
    reason[unmatched & any_eligible] = CAPACITY
    matched_rows = np.flatnonzero(~unmatched)
    total = float(scores[matched_rows, mentor_of[matched_rows]].astype(np.float64).sum())
    report(1.0, "Done")
    return Assignment(mentor_of, reason, total, len(rows), solver_seconds)
