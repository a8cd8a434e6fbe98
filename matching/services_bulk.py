"""Bulk matching of a programme: solve into a draft, edit it, publish it once.

The worker (`solve_match_run`) claims a queued run with a conditional UPDATE,
loads the programme's people as engine arrays in a dozen queries, scores every
pair at once, and asks the assignment solver for the best within capacity,
honouring pins and exclusions. The draft is rows (`MatchRunPair`), so admins
review and edit it in the admin; publishing turns it into mentorships or
introductions (pre-approved requests) and tells each person once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from matching.engine.assignment import (
    CAPACITY,
    MATCHED,
    NO_ELIGIBLE,
    Assignment,
    AssignmentError,
    assign,
)
from matching.engine.scoring import score_matrix
from matching.index import (
    MentorIndex,
    VocabularyChanged,
    clock_versions,
    current_index,
    forget,
    load_seekers,
)
from matching.models import (
    Enrolment,
    MatchRun,
    MatchRunPair,
    Mentorship,
    MentorshipRequest,
    PairRule,
    Program,
)
from mentorship.exceptions import Conflict, RuleViolation
from mentorship.notifications.services import notify
from profiles.models import Profile, User
from profiles.services import mark_profiles_changed

logger = logging.getLogger(__name__)

HISTOGRAM_BINS = 10
REASONS = {
    NO_ELIGIBLE: MatchRunPair.Unmatched.NO_ELIGIBLE,
    CAPACITY: MatchRunPair.Unmatched.CAPACITY,
}


# --- Starting and solving ---------------------------------------------------------------------


def start_match_run(
    *,
    program: Program,
    by: User | None,
    objective: str = MatchRun.Objective.FIT,
    mode: str = MatchRun.Mode.FAST,
    parent: MatchRun | None = None,
) -> MatchRun:
    """Queue a bulk match of the programme; the worker solves it after commit."""
    if objective not in MatchRun.Objective.values:
        raise RuleViolation("Choose best total fit or most people matched.", code="objective")
    if mode not in MatchRun.Mode.values:
        raise RuleViolation("Choose the fast or the exact mode.", code="mode")
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                program=program,
                parent=parent,
                objective=objective,
                mode=mode,
                created_by=by,
                stage="Waiting for a worker",
            )
    except IntegrityError as error:
        # The partial unique index: one queued or running match per programme.
        raise Conflict(
            f"A bulk match of {program.name} is already running; wait for its draft.",
            code="run_active",
        ) from error
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from matching.tasks import solve_match_run as task

    try:
        task.delay(run_id)
    except Exception:
        logger.exception("Could not queue bulk match %s; it stays queued", run_id)


def solve_match_run(*, run_id: int) -> bool:
    """Solve a queued run into a draft. False when another worker has it already."""
    now = timezone.now()
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=now, progress=1, stage="Loading the people"
    )
    if not claimed:
        return False
    run = MatchRun.objects.select_related("program", "parent").get(pk=run_id)
    try:
        _solve(run)
    except Exception as error:
        logger.exception("Bulk match %s failed", run_id)
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
            stage="Failed",
        )
    return True


def _reporter(run_id: int) -> Callable[[float, str], None]:
    """Progress as the worker goes: a plain UPDATE, at most every half second."""
    last = [0.0]

    def report(fraction: float, stage: str) -> None:
        moment = time.monotonic()
        if moment - last[0] < 0.5 and fraction < 1:
            return
        last[0] = moment
        MatchRun.objects.filter(pk=run_id).update(
            progress=max(1, min(99, round(100 * fraction))), stage=stage[:200]
        )

    return report


@dataclass
class Cohort:
    """A programme's people as engine arrays: mentees are rows, mentors columns."""

    mentee_ids: npt.NDArray[np.int64]
    mentor_ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float32]
    eligible: npt.NDArray[np.bool_]
    capacity: npt.NDArray[np.int64]
    index: MentorIndex


def _people(program: Program) -> tuple[list[int], list[int]]:
    """The mentees still to match (no live mentorship in the programme) and the mentors."""
    matched = Mentorship.objects.live().filter(program=program).values("mentee_id")
    enrolled = Enrolment.objects.filter(program=program, user__is_active=True)
    mentee_ids = list(
        enrolled.mentees()
        .exclude(user_id__in=matched)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    mentor_ids = list(enrolled.mentors().order_by("user_id").values_list("user_id", flat=True))
    return mentee_ids, mentor_ids


def load_cohort(program: Program, report: Callable[[float, str], None]) -> Cohort:
    """Score every mentee of the programme against every mentor (a dozen queries)."""
    mentee_ids, mentor_ids = _people(program)
    now = timezone.now()
    clock, taxonomy = clock_versions()
    index = current_index(now=now, version=clock, taxonomy=taxonomy)
    try:
        seekers = load_seekers(index.vocab, index.week_start, mentee_ids)
    except VocabularyChanged:
        forget()
        index = current_index(now=now, version=clock, taxonomy=taxonomy)
        seekers = load_seekers(index.vocab, index.week_start, mentee_ids)
    # The programme's mentors, as this process's index encodes them (in its order).
    offers = index.offers.replace_people(np.setdiff1d(index.offers.ids, mentor_ids), None)
    report(0.15, f"Scoring {len(mentee_ids):,} mentees against {len(offers):,} mentors")
    weights = program.engine_weights()
    today = timezone.localdate().toordinal()
    # Peer programmes score with the peer seniority table (same level fits best).
    matrix = score_matrix(seekers, offers, weights=weights, kind=program.kind, today=today)
    capacity = offers.free_places.astype(np.int64)
    return Cohort(
        mentee_ids=np.asarray(mentee_ids, dtype=np.int64),
        mentor_ids=np.asarray(offers.ids, dtype=np.int64),
        scores=matrix.scores,
        eligible=matrix.eligible,
        capacity=capacity,
        index=index,
    )


def _organisation_clash(
    mentee_ids: npt.NDArray[np.int64], mentor_ids: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Pairs from the same organisation (case and spaces ignored; blank never clashes)."""
    names = dict(
        Profile.objects.filter(
            user_id__in=[*mentee_ids.tolist(), *mentor_ids.tolist()]
        ).values_list("user_id", "organisation")
    )
    codes: dict[str, int] = {}

    def code_of(user_id: int) -> int:
        name = " ".join((names.get(user_id) or "").lower().split())
        return codes.setdefault(name, len(codes)) if name else -1

    rows = np.array([code_of(int(u)) for u in mentee_ids], dtype=np.int64)
    cols = np.array([code_of(int(u)) for u in mentor_ids], dtype=np.int64)
    return (rows[:, None] == cols[None, :]) & (rows[:, None] >= 0)


def _positions(
    pairs: list[tuple[int, int]], row_of: dict[int, int], col_of: dict[int, int]
) -> list[tuple[int, int]]:
    return [
        (row_of[mentee], col_of[mentor])
        for mentee, mentor in pairs
        if mentee in row_of and mentor in col_of
    ]


def _rules(run: MatchRun, cohort: Cohort) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Pins and exclusions as (row, column): the programme's rules, its settings, history,
    and the parent draft's edits."""
    program = run.program
    row_of = {int(u): i for i, u in enumerate(cohort.mentee_ids)}
    col_of = {int(u): j for j, u in enumerate(cohort.mentor_ids)}
    rules = list(
        PairRule.objects.filter(program=program).values_list("mentee_id", "mentor_id", "kind")
    )
    pins = [(e, m) for e, m, kind in rules if kind == PairRule.Kind.PIN]
    excluded = [(e, m) for e, m, kind in rules if kind == PairRule.Kind.EXCLUDE]
    if run.parent_id:
        parent_pairs = list(
            MatchRunPair.objects.filter(run_id=run.parent_id).values_list(
                "mentee_id", "mentor_id", "pinned", "removed_mentor_id"
            )
        )
        pinned_rows = {e for e, _ in pins}
        pins += [
            (e, m) for e, m, pinned, _ in parent_pairs if pinned and m and e not in pinned_rows
        ]
        excluded += [(e, r) for e, _, _, r in parent_pairs if r]
    # A live pair or a waiting request is never proposed again; with the setting,
    # neither is any pair that ever worked together.
    history = Mentorship.objects.filter(mentee_id__in=list(row_of), mentor_id__in=list(col_of))
    if not program.exclude_previous_pairs:
        history = history.live()
    excluded += list(history.values_list("mentee_id", "mentor_id"))
    excluded += list(
        MentorshipRequest.objects.pending()
        .filter(mentee_id__in=list(row_of), mentor_id__in=list(col_of))
        .values_list("mentee_id", "mentor_id")
    )
    excluded += [(u, u) for u in row_of if u in col_of]
    return _positions(pins, row_of, col_of), _positions(excluded, row_of, col_of)


def _solve(run: MatchRun) -> None:
    report = _reporter(run.pk)
    started = time.perf_counter()
    cohort = load_cohort(run.program, report)
    pins, exclude = _rules(run, cohort)
    if run.program.exclude_same_organisation and len(cohort.mentee_ids) and len(cohort.mentor_ids):
        clash = _organisation_clash(cohort.mentee_ids, cohort.mentor_ids)
        cohort.eligible &= ~clash
    pin_set = set(pins)
    # A pin beyond a mentor's free places cannot be honoured: keep the first ones.
    kept_pins, left = [], cohort.capacity.copy()
    for row, col in pins:
        if left[col] > 0:
            kept_pins.append((row, col))
            left[col] -= 1
    exclude = [pair for pair in exclude if pair not in pin_set]
    report(0.3, "Finding the best assignment")
    try:
        result = assign(
            cohort.scores,
            cohort.eligible,
            cohort.capacity,
            objective=run.objective,
            exact=run.mode == MatchRun.Mode.EXACT,
            pins=kept_pins,
            exclude=exclude,
            progress=lambda fraction, stage: report(0.3 + 0.6 * fraction, stage),
        )
    except AssignmentError as error:
        raise RuleViolation(str(error)) from error
    report(0.92, "Saving the draft")
    _save_draft(run, cohort, result, set(kept_pins), time.perf_counter() - started)


def _histogram(scores: npt.NDArray[np.float64]) -> list[int]:
    counts, _ = np.histogram(scores, bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    return [int(c) for c in counts]


def _save_draft(
    run: MatchRun,
    cohort: Cohort,
    result: Assignment,
    pins: set[tuple[int, int]],
    seconds: float,
) -> None:
    rows = []
    for row, mentee_id in enumerate(cohort.mentee_ids):
        col = int(result.mentor_of[row])
        matched = col >= 0
        rows.append(
            MatchRunPair(
                run=run,
                mentee_id=int(mentee_id),
                mentor_id=int(cohort.mentor_ids[col]) if matched else None,
                score=float(cohort.scores[row, col]) if matched else None,
                unmatched_reason="" if matched else REASONS[int(result.reason[row])],
                pinned=(row, col) in pins,
            )
        )
    matched_rows = np.flatnonzero(result.mentor_of >= 0)
    scores = cohort.scores[matched_rows, result.mentor_of[matched_rows]].astype(np.float64)
    summary = {
        "mentees": len(cohort.mentee_ids),
        "mentors": len(cohort.mentor_ids),
        "places": int(cohort.capacity.sum()),
        "matched": len(matched_rows),
        "no_eligible": int((result.reason == NO_ELIGIBLE).sum()),
        "capacity": int((result.reason == CAPACITY).sum()),
        "pinned": len(pins),
        "mean": float(scores.mean()) if len(scores) else None,
        "median": float(np.median(scores)) if len(scores) else None,
        "histogram": _histogram(scores),
        "seconds": round(seconds, 3),
        "solver_seconds": round(result.solver_seconds, 3),
        "arcs": result.arcs,
    }
    assert (result.reason[matched_rows] == MATCHED).all()
    with transaction.atomic():
        MatchRunPair.objects.bulk_create(rows, batch_size=2000)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.DRAFT,
            progress=100,
            stage="Draft ready",
            total_score=float(scores.sum()),
            summary=summary,
            finished_at=timezone.now(),
        )


# --- Editing a draft --------------------------------------------------------------------------


def _draft(run: MatchRun) -> MatchRun:
    """The run, locked, when it is still a draft."""
    locked = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if locked.status != MatchRun.Status.DRAFT:
        raise Conflict(
            f"This bulk match is {locked.get_status_display().lower()}; only drafts can change.",
            code="not_draft",
        )
    return locked


def _refresh_summary(run: MatchRun) -> None:
    pairs = MatchRunPair.objects.filter(run=run)
    counts = pairs.aggregate(
        matched=Count("pk", filter=Q(mentor__isnull=False)),
        no_eligible=Count("pk", filter=Q(unmatched_reason=MatchRunPair.Unmatched.NO_ELIGIBLE)),
        capacity=Count("pk", filter=Q(unmatched_reason=MatchRunPair.Unmatched.CAPACITY)),
        removed=Count("pk", filter=Q(unmatched_reason=MatchRunPair.Unmatched.REMOVED)),
        pinned=Count("pk", filter=Q(pinned=True)),
    )
    scores = np.array(
        [
            s
            for s in pairs.filter(mentor__isnull=False).values_list("score", flat=True)
            if s is not None
        ],
        dtype=np.float64,
    )
    summary = {
        **run.summary,
        **counts,
        "mean": float(scores.mean()) if len(scores) else None,
        "median": float(np.median(scores)) if len(scores) else None,
        "histogram": _histogram(scores),
        "edited": pairs.filter(edited=True).count(),
    }
    MatchRun.objects.filter(pk=run.pk).update(summary=summary, total_score=float(scores.sum()))


def pair_scores(*, program: Program, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """The programme's score of a few (mentee, mentor) pairs, for draft edits."""
    if not pairs:
        return {}
    mentees = sorted({e for e, _ in pairs})
    mentors = sorted({m for _, m in pairs})
    now = timezone.now()
    clock, taxonomy = clock_versions()
    index = current_index(now=now, version=clock, taxonomy=taxonomy)
    try:
        seekers = load_seekers(index.vocab, index.week_start, mentees)
    except VocabularyChanged:
        forget()
        index = current_index(now=now, version=clock, taxonomy=taxonomy)
        seekers = load_seekers(index.vocab, index.week_start, mentees)
    offers = index.offers.replace_people(np.setdiff1d(index.offers.ids, mentors), None)
    kind = program.kind
    matrix = score_matrix(
        seekers,
        offers,
        weights=program.engine_weights(),
        kind=kind,
        today=timezone.localdate().toordinal(),
        check_open=False,
    )
    row_of = {u: i for i, u in enumerate(mentees)}
    col_of = {int(u): j for j, u in enumerate(offers.ids)}
    return {
        (e, m): float(matrix.scores[row_of[e], col_of[m]])
        for e, m in pairs
        if e in row_of and m in col_of
    }


def _free_in_draft(run: MatchRun, mentor_id: int) -> int:
    """The mentor's places left if this draft were published as it stands."""
    profile = Profile.objects.filter(user_id=mentor_id).values_list("capacity", flat=True).first()
    live = Mentorship.objects.live().filter(mentor_id=mentor_id).count()
    drafted = MatchRunPair.objects.filter(run=run, mentor_id=mentor_id).count()
    return (profile or 0) - live - drafted


def remove_pair(*, run: MatchRun, pair: MatchRunPair, by: User) -> MatchRunPair:
    """Take the mentor off a line: the mentee is left unmatched, and a re-run never
    proposes that pair again."""
    with transaction.atomic():
        _draft(run)
        line = MatchRunPair.objects.select_for_update().get(pk=pair.pk, run=run)
        if line.mentor_id is None:
            raise Conflict("This mentee has no mentor in the draft.", code="not_matched")
        line.removed_mentor_id = line.mentor_id
        line.mentor = None
        line.score = None
        line.unmatched_reason = MatchRunPair.Unmatched.REMOVED
        line.pinned = False
        line.edited = True
        line.save(
            update_fields=[
                "removed_mentor",
                "mentor",
                "score",
                "unmatched_reason",
                "pinned",
                "edited",
            ]
        )
        _refresh_summary(run)
    return line


def assign_pair(*, run: MatchRun, pair: MatchRunPair, mentor: User, by: User) -> MatchRunPair:
    """Give a line this mentor (pinned for re-runs), within the mentor's places."""
    with transaction.atomic():
        locked = _draft(run)
        line = MatchRunPair.objects.select_for_update().get(pk=pair.pk, run=run)
        if mentor.pk == line.mentee_id:
            raise RuleViolation("A person cannot mentor themself.", code="self")
        if not Enrolment.objects.mentors().filter(program=locked.program, user=mentor).exists():
            raise RuleViolation(
                f"{mentor.get_short_name()} is not a mentor in {locked.program.name}.",
                code="not_mentor",
            )
        if line.mentor_id == mentor.pk:
            return line
        if _free_in_draft(locked, mentor.pk) <= 0:
            raise Conflict(
                f"{mentor.get_short_name()} has no place left in this draft; remove or "
                "swap one of their pairs first.",
                code="no_place",
            )
        scores = pair_scores(program=locked.program, pairs=[(line.mentee_id, mentor.pk)])
        line.mentor = mentor
        line.score = scores.get((line.mentee_id, mentor.pk))
        line.unmatched_reason = ""
        line.pinned = True
        line.edited = True
        line.save(update_fields=["mentor", "score", "unmatched_reason", "pinned", "edited"])
        _refresh_summary(locked)
    return line


def swap_mentors(
    *, run: MatchRun, first: MatchRunPair, second: MatchRunPair, by: User
) -> tuple[MatchRunPair, MatchRunPair]:
    """Exchange two lines' mentors; both are pinned for re-runs."""
    with transaction.atomic():
        locked = _draft(run)
        a, b = (
            MatchRunPair.objects.select_for_update().get(pk=line.pk, run=run)
            for line in (first, second)
        )
        if a.pk == b.pk:
            raise RuleViolation("Choose two different pairs to swap.", code="same_pair")
        if a.mentor_id is None or b.mentor_id is None:
            raise RuleViolation("Both lines need a mentor to swap them.", code="not_matched")
        if a.mentee_id == b.mentor_id or b.mentee_id == a.mentor_id:
            raise RuleViolation("That swap would pair someone with themself.", code="self")
        a.mentor_id, b.mentor_id = b.mentor_id, a.mentor_id
        scores = pair_scores(
            program=locked.program, pairs=[(a.mentee_id, a.mentor_id), (b.mentee_id, b.mentor_id)]
        )
        for line in (a, b):
            line.score = scores.get((line.mentee_id, line.mentor_id or 0))
            line.pinned = line.edited = True
            line.save(update_fields=["mentor", "score", "pinned", "edited"])
        _refresh_summary(locked)
    return a, b


def set_pinned(*, run: MatchRun, pair: MatchRunPair, pinned: bool, by: User) -> MatchRunPair:
    """Pin a pair (kept as it is when the draft is re-run), or let it go again."""
    with transaction.atomic():
        locked = _draft(run)
        line = MatchRunPair.objects.select_for_update().get(pk=pair.pk, run=run)
        if pinned and line.mentor_id is None:
            raise RuleViolation("Give this mentee a mentor before pinning.", code="not_matched")
        line.pinned = pinned
        line.save(update_fields=["pinned"])
        _refresh_summary(locked)
    return line


def rerun_match_run(*, run: MatchRun, by: User) -> MatchRun:
    """Solve again with this draft's pins kept and its removed pairs excluded."""
    with transaction.atomic():
        locked = _draft(run)
        locked.status = MatchRun.Status.DISCARDED
        locked.save(update_fields=["status"])
        return start_match_run(
            program=locked.program,
            by=by,
            objective=locked.objective,
            mode=locked.mode,
            parent=locked,
        )


def discard_match_run(*, run: MatchRun, by: User) -> MatchRun:
    with transaction.atomic():
        locked = _draft(run)
        locked.status = MatchRun.Status.DISCARDED
        locked.save(update_fields=["status"])
    return locked


# --- Publishing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    mentorships: int
    introductions: int
    skipped: list[str]
    notified: int


def publish_match_run(*, run: MatchRun, by: User) -> Published:
    """Turn the draft into mentorships (admin-assigned programmes) or introductions
    (pre-approved requests the mentor answers), once, and tell each person once."""
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
        if locked.status == MatchRun.Status.PUBLISHED:
            raise Conflict("This bulk match is already published.", code="already_published")
        locked = _draft(locked)
        program = locked.program
        lines = list(
            MatchRunPair.objects.filter(run=locked, mentor__isnull=False)
            .select_related("mentee", "mentor")
            .order_by("-pinned", "-score", "pk")
        )
        mentor_ids = sorted({line.mentor_id for line in lines if line.mentor_id})
        # Lock the mentors' profiles (id order, as accepting a request does): places are
        # counted against what is live now, not when the draft was solved.
        capacity = dict(
            Profile.objects.select_for_update()
            .filter(user_id__in=mentor_ids)
            .order_by("pk")
            .values_list("user_id", "capacity")
        )
        live = dict(
            Mentorship.objects.live()
            .filter(mentor_id__in=mentor_ids)
            .values("mentor_id")
            .annotate(n=Count("pk"))
            .values_list("mentor_id", "n")
        )
        pairs_live = set(
            Mentorship.objects.live()
            .filter(mentor_id__in=mentor_ids, mentee_id__in=[line.mentee_id for line in lines])
            .values_list("mentee_id", "mentor_id")
        )
        pending = set(
            MentorshipRequest.objects.pending()
            .filter(mentor_id__in=mentor_ids, mentee_id__in=[line.mentee_id for line in lines])
            .values_list("mentee_id", "mentor_id")
        )
        assigned = program.matching_mode == Program.MatchingMode.ADMIN_ASSIGNED
        skipped: list[str] = []
        made: list[MatchRunPair] = []
        for line in lines:
            mentor_id = line.mentor_id
            assert mentor_id is not None
            pair = (line.mentee_id, mentor_id)
            taken = live.get(mentor_id, 0)
            who = (
                f"{line.mentee.display_name} with {line.mentor.display_name if line.mentor else ''}"
            )
            if pair in pairs_live or pair in pending:
                skipped.append(f"{who}: already paired or asked")
                continue
            if assigned and taken >= capacity.get(mentor_id, 0):
                skipped.append(f"{who}: the mentor has no place left")
                continue
            if assigned:
                line.mentorship = Mentorship.objects.create(
                    mentee_id=line.mentee_id,
                    mentor_id=mentor_id,
                    program=program,
                    match_run=locked,
                    frequency=program.checkin_frequency,
                )
                live[mentor_id] = taken + 1
            else:
                line.request = MentorshipRequest.objects.create(
                    mentee_id=line.mentee_id,
                    mentor_id=mentor_id,
                    program=program,
                    match_run=locked,
                    subject=f"An introduction from {program.name}"[:150],
                    message=_introduction(program, line),
                )
            made.append(line)
        MatchRunPair.objects.bulk_update(made, ["mentorship", "request"], batch_size=1000)
        notified = _tell_everyone(locked, made, assigned=assigned)
        locked.status = MatchRun.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = by
        locked.summary = {
            **locked.summary,
            "published": len(made),
            "skipped": skipped,
            "notified": notified,
        }
        locked.save(update_fields=["status", "published_at", "published_by", "summary"])
        # Other drafts of the programme would double the pairs: they are set aside.
        MatchRun.objects.filter(program=program, status=MatchRun.Status.DRAFT).exclude(
            pk=locked.pk
        ).update(status=MatchRun.Status.DISCARDED)
        if mentor_ids:
            # The mentors' free places changed: every process's index re-reads them.
            mark_profiles_changed(user_ids=mentor_ids)
    return Published(
        mentorships=len(made) if assigned else 0,
        introductions=0 if assigned else len(made),
        skipped=skipped,
        notified=notified,
    )


def _introduction(program: Program, line: MatchRunPair) -> str:
    mentee, mentor = line.mentee, line.mentor
    assert mentor is not None
    return (
        f"Hello {mentor.get_short_name()},\n\n"
        f"The coordinators of {program.name} think you and {mentee.display_name} would work "
        f"well together: their matching put you first for {mentee.get_short_name()}'s goals, "
        "skills, languages and shared hours. You can see why on this request.\n\n"
        f"Would you have 20 minutes for a first conversation with {mentee.get_short_name()}? "
        "Accept to start, or decline kindly if now is not the time.\n\n"
        f"Thank you, the {program.name} team"
    )


def _tell_everyone(run: MatchRun, lines: list[MatchRunPair], *, assigned: bool) -> int:
    """One message per person per run, however many pairs they are in."""
    by_mentor: dict[int, list[MatchRunPair]] = {}
    for line in lines:
        assert line.mentor_id is not None
        by_mentor.setdefault(line.mentor_id, []).append(line)
    program = run.program
    sent = 0
    for line in lines:
        mentor = line.mentor
        assert mentor is not None
        url = (
            reverse("matching:mentorship", args=[line.mentorship.pk])
            if line.mentorship
            else reverse("matching:request", args=[line.request.pk])
            if line.request
            else ""
        )
        notify(
            recipient=line.mentee,
            kind="match_published_mentee",
            key=f"match-published:{run.pk}:{line.mentee_id}",
            context={
                "program": program.name,
                "other_name": mentor.display_name,
                "other_short": mentor.get_short_name(),
                "assigned": assigned,
            },
            url=url,
        )
        sent += 1
    for mentor_id, mine in by_mentor.items():
        mentor = mine[0].mentor
        assert mentor is not None
        first = mine[0]
        url = (
            reverse("matching:mentorships")
            if assigned
            else reverse("matching:inbox_request", args=[first.request.pk])
            if first.request and len(mine) == 1
            else reverse("matching:inbox")
        )
        notify(
            recipient=mentor,
            kind="match_published_mentor",
            key=f"match-published:{run.pk}:{mentor_id}",
            context={
                "program": program.name,
                "mentees": [line.mentee.display_name for line in mine],
                "count": len(mine),
                "assigned": assigned,
            },
            url=url,
        )
        sent += 1
    return sent
