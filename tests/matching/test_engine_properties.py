"""Properties of the matching engine over random people (hypothesis), no database.

The tables in test_engine_criteria.py pin each rule to hand-computed values; these
check what must hold for everyone: bounds, monotonicity, hard constraints, the
agreement of the one-vs-all and many-vs-many scorers, peer symmetry and the
fair-exposure ordering.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import exposure
from matching.engine.features import (
    FORMATS,
    FREQUENCIES,
    SLOTS_PER_WEEK,
    TRAITS,
    Person,
    Vocabulary,
    offers_from,
    seekers_from,
)
from matching.engine.scoring import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    ONE_TO_ONE,
    PEER,
    REVERSE,
    Matrix,
    Scored,
    Weights,
    score_matrix,
    score_matrix_peer,
    score_one,
)

VOCAB = Vocabulary(skills=8, languages=4, industries=3)
TODAY = 739_677  # Monday 2 March 2026 as a day number
# score_matrix computes in float32: scores agree to about 1e-6.
MATRIX_TOLERANCE = 1e-5

# database=None: no .hypothesis/ example directory in the working tree.
FAST = settings(max_examples=100, deadline=None, database=None)
# Tests drawing whole cohorts spend their time generating people: fewer examples.
COHORTS = settings(FAST, max_examples=60)

skill = st.integers(0, VOCAB.skills - 1)
language = st.integers(0, VOCAB.languages - 1)
industry = st.integers(0, VOCAB.industries - 1)


def names(choices: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.sets(st.sampled_from(choices)).map(lambda chosen: tuple(sorted(chosen)))


# Intervals of up to 16 hours, often in the first two days so that people overlap.
interval = st.tuples(
    st.one_of(st.integers(0, 191), st.integers(0, SLOTS_PER_WEEK - 1)), st.integers(1, 64)
).map(lambda pair: (pair[0], min(pair[0] + pair[1], SLOTS_PER_WEEK)))


# Built once: strategies are cheap to draw from and slow to build.
PERSON = st.builds(
    Person,
    id=st.just(0),
    expertise=st.dictionaries(skill, st.integers(1, 5), max_size=5),
    languages=st.dictionaries(language, st.integers(1, 4), max_size=3),
    industries=st.sets(industry),
    traits=names(TRAITS),
    formats=names(FORMATS),
    frequency=st.none() | st.sampled_from(FREQUENCIES),
    seniority=st.integers(0, 6),
    years=st.none() | st.integers(0, 60),
    capacity=st.integers(0, 3),
    taken=st.integers(0, 3),
    pending=st.integers(0, 5),
    accepting=st.sampled_from([True, True, True, False]),
    paused_until=st.sampled_from([0, 0, 0, TODAY - 1, TODAY, TODAY + 1]),
    slots=st.lists(interval, max_size=4).map(tuple),
    wanted=st.dictionaries(skill, st.sampled_from([0.5, 1.0, 1.5, 2.0]), max_size=4),
    must=st.just(set()) | st.sets(skill, max_size=2),
    preferred_languages=st.sets(language, max_size=2),
    wanted_industries=st.sets(industry, max_size=2),
    wanted_traits=names(TRAITS),
    wanted_formats=names(FORMATS),
    wanted_frequency=st.none() | st.sampled_from(FREQUENCIES),
    wanted_seniority=st.just(0) | st.integers(0, 6),
    min_years=st.just(0) | st.integers(0, 50),
    target_hours=st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5, 8.0]),
)
COHORT_IDS = {
    # Ids from a small range so that a mentee is sometimes also in the mentor list.
    size: st.lists(st.integers(1, 12), min_size=1, max_size=size, unique=True)
    for size in range(1, 9)
}


def persons(person_id: int) -> st.SearchStrategy[Person]:
    return PERSON.map(lambda person: dataclasses.replace(person, id=person_id))


@st.composite
def cohorts(draw: st.DrawFn, max_size: int = 6) -> list[Person]:
    ids = draw(COHORT_IDS[max_size])
    return [dataclasses.replace(draw(PERSON), id=person_id) for person_id in ids]


def open_to_requests(person: Person) -> Person:
    return dataclasses.replace(
        person, accepting=True, paused_until=0, capacity=max(person.capacity, 1), taken=0
    )


def weights_of(overrides: dict[str, float]) -> Weights:
    return Weights.of(overrides if sum({**DEFAULT_WEIGHTS, **overrides}.values()) > 0 else {})


# Zero weights included; no subnormal ones (they vanish in the matrix's float32).
WEIGHTS = st.dictionaries(
    st.sampled_from(CRITERIA), st.sampled_from([0.0, 0.05, 0.5, 1.0, 3.0]) | st.floats(0.01, 3)
).map(weights_of)


one_or_reverse = st.sampled_from([ONE_TO_ONE, REVERSE])


# --- (1) Bounds ------------------------------------------------------------------------------


@COHORTS
@given(mentee=persons(1), mentors=cohorts(), weights=WEIGHTS, kind=one_or_reverse)
def test_every_value_and_total_is_between_0_and_1(
    mentee: Person, mentors: list[Person], weights: Weights, kind: str
) -> None:
    scored = score_one(
        seekers_from([mentee], VOCAB),
        offers_from(mentors, VOCAB),
        weights=weights,
        kind=kind,
        today=TODAY,
    )
    for name in CRITERIA:
        assert np.all((scored.values[name] >= 0) & (scored.values[name] <= 1)), name
    assert np.all((scored.total >= 0) & (scored.total <= 1))
    # The weighted sum; the cap at 1 only hides normalised weights summing to 1 + 2e-16.
    weighted = sum(weights[name] * scored.values[name] for name in CRITERIA)
    np.testing.assert_allclose(scored.total, weighted, rtol=0, atol=1e-12)


# --- (2) Monotonicity in skills ----------------------------------------------------------------


@FAST
@given(
    mentee=persons(1),
    mentor=persons(2),
    kind=one_or_reverse,
    data=st.data(),
)
def test_wanting_one_more_skill_the_mentor_has_never_lowers_the_total(
    mentee: Person, mentor: Person, kind: str, data: st.DataObject
) -> None:
    free = sorted(set(range(VOCAB.skills)) - set(mentee.wanted) - mentee.must)
    column = data.draw(st.sampled_from(free), label="new wanted skill")
    weight = data.draw(st.sampled_from([0.5, 1.0, 1.5]), label="its weight")
    level = data.draw(st.integers(1, 5), label="the mentor's level")
    mentor = dataclasses.replace(mentor, expertise={**mentor.expertise, column: level})
    keener = dataclasses.replace(mentee, wanted={**mentee.wanted, column: weight})
    offers = offers_from([mentor], VOCAB)

    def scored(person: Person) -> Scored:
        return score_one(
            seekers_from([person], VOCAB), offers, weights=Weights.of(), kind=kind, today=TODAY
        )

    before, after = scored(mentee), scored(keener)
    assert after.values["skills"][0] >= before.values["skills"][0] - 1e-9
    assert after.total[0] >= before.total[0] - 1e-9
    assert after.eligible[0] == before.eligible[0]


# --- (3) Hard constraints ----------------------------------------------------------------------

CONSTRAINTS = ("not accepting", "paused", "full", "no shared language", "lacks a must-have")


@FAST
@given(
    mentee=persons(1),
    mentor=persons(2),
    constraint=st.sampled_from(CONSTRAINTS),
    kind=one_or_reverse,
    data=st.data(),
)
def test_a_hard_constraint_always_excludes_the_mentor(
    mentee: Person, mentor: Person, constraint: str, kind: str, data: st.DataObject
) -> None:
    reason = "closed"
    if constraint == "not accepting":
        mentor = dataclasses.replace(mentor, accepting=False)
    elif constraint == "paused":
        until = TODAY + data.draw(st.integers(1, 400), label="days paused")
        mentor = dataclasses.replace(mentor, paused_until=until)
    elif constraint == "full":
        taken = mentor.capacity + data.draw(st.integers(0, 3), label="places over")
        mentor = dataclasses.replace(mentor, taken=taken)
    elif constraint == "no shared language":
        # The mentee's languages (listed or preferred) are 0 and 1, the mentor's 2 and 3.
        own = data.draw(st.dictionaries(st.sampled_from([0, 1]), st.integers(1, 4), min_size=1))
        preferred = data.draw(st.sets(st.sampled_from([0, 1])))
        theirs = data.draw(st.dictionaries(st.sampled_from([2, 3]), st.integers(1, 4), min_size=1))
        mentee = dataclasses.replace(mentee, languages=own, preferred_languages=preferred)
        mentor = dataclasses.replace(mentor, languages=theirs)
        reason = "no_language"
    else:
        column = data.draw(skill, label="must-have")
        mentee = dataclasses.replace(mentee, must=mentee.must | {column})
        mentor = dataclasses.replace(
            mentor, expertise={c: v for c, v in mentor.expertise.items() if c != column}
        )
        reason = "must_unmet"
    scored = score_one(
        seekers_from([mentee], VOCAB),
        offers_from([mentor], VOCAB),
        weights=Weights.of(),
        kind=kind,
        today=TODAY,
    )
    assert getattr(scored, reason)[0]
    assert not scored.eligible[0]


@COHORTS
@given(
    mentee=persons(100),
    mentors=cohorts(),
    newcomers=cohorts(max_size=3),
    dropped=st.sets(st.integers(1, 12), max_size=4),
)
def test_replacing_people_in_an_index_is_building_it_afresh(
    mentee: Person, mentors: list[Person], newcomers: list[Person], dropped: set[int]
) -> None:
    # Newcomers replace anyone with their id (an edit) besides the dropped.
    newcomers = [dataclasses.replace(p, id=p.id + 20 * (p.id in dropped)) for p in newcomers]
    gone = dropped | {p.id for p in newcomers}
    spliced = offers_from(mentors, VOCAB).replace_people(
        sorted(gone), offers_from(newcomers, VOCAB) if newcomers else None
    )
    fresh = offers_from([p for p in mentors if p.id not in gone] + newcomers, VOCAB)
    np.testing.assert_array_equal(spliced.ids, fresh.ids)
    np.testing.assert_array_equal(spliced.slot_masks(), fresh.slot_masks())
    np.testing.assert_array_equal(spliced.has_slots, fresh.has_slots)
    for position in range(len(fresh)):
        np.testing.assert_array_equal(spliced.slot_mask(position), fresh.slot_mask(position))
    seeker = seekers_from([mentee], VOCAB)
    one = score_one(seeker, spliced, weights=Weights.of(), today=TODAY)
    other = score_one(seeker, fresh, weights=Weights.of(), today=TODAY)
    np.testing.assert_array_equal(one.total, other.total)
    np.testing.assert_array_equal(one.shared_hours, other.shared_hours)


# --- (4) score_matrix agrees with score_one ------------------------------------------------------


@COHORTS
@given(
    mentees=cohorts(max_size=5),
    mentors=cohorts(max_size=8),
    weights=WEIGHTS,
    kind=one_or_reverse,
    block=st.sampled_from([1, 2, 256]),
    data=st.data(),
)
def test_the_matrix_agrees_with_one_mentee_at_a_time(
    mentees: list[Person],
    mentors: list[Person],
    weights: Weights,
    kind: str,
    block: int,
    data: st.DataObject,
) -> None:
    pairs = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from([p.id for p in mentees]), st.sampled_from([p.id for p in mentors])
            ),
            max_size=4,
        ),
        label="excluded pairs",
    )
    seekers, offers = seekers_from(mentees, VOCAB), offers_from(mentors, VOCAB)
    matrix = score_matrix(
        seekers,
        offers,
        weights=weights,
        kind=kind,
        today=TODAY,
        exclude_pairs=pairs,
        block=block,
        components=True,
    )
    assert matrix.values is not None
    assert matrix.must_unmet is not None
    assert matrix.no_language is not None
    for i, mentee in enumerate(mentees):
        one = score_one(
            seekers.take(i),
            offers,
            weights=weights,
            kind=kind,
            today=TODAY,
            exclude_ids=[m for e, m in pairs if e == mentee.id],
        )
        np.testing.assert_array_equal(matrix.eligible[i], one.eligible)
        np.testing.assert_array_equal(matrix.must_unmet[i], one.must_unmet)
        # The matrix folds unmet must-haves into the language code, so it can only
        # tell "no language" where the must-haves are met.
        met = ~one.must_unmet
        np.testing.assert_array_equal(matrix.no_language[i][met], one.no_language[met])
        ok = one.eligible
        np.testing.assert_allclose(
            matrix.scores[i][ok], one.total[ok], rtol=0, atol=MATRIX_TOLERANCE
        )
        # A criterion weighted 0 reads 0 in the matrix's components (an xfail in
        # test_engine_criteria), so only the weighted ones are compared.
        for name in (name for name in CRITERIA if weights[name] > 0):
            np.testing.assert_allclose(
                matrix.values[name][i][ok],
                one.values[name][ok],
                rtol=0,
                atol=MATRIX_TOLERANCE,
                err_msg=name,
            )


# --- (5) Peers ---------------------------------------------------------------------------------


def peer_matrix(
    a: list[Person], b: list[Person], weights: Weights, pairs: list[tuple[int, int]]
) -> Matrix:
    return score_matrix_peer(
        seekers_from(a, VOCAB),
        offers_from(a, VOCAB),
        seekers_from(b, VOCAB),
        offers_from(b, VOCAB),
        weights=weights,
        today=TODAY,
        exclude_pairs=pairs,
    )


def excluded_pairs(data: st.DataObject, a: list[Person], b: list[Person]) -> list[tuple[int, int]]:
    return data.draw(
        st.lists(
            st.tuples(st.sampled_from([p.id for p in a]), st.sampled_from([p.id for p in b])),
            max_size=3,
        ),
        label="excluded pairs",
    )


@COHORTS
@given(a=cohorts(max_size=4), b=cohorts(max_size=5), weights=WEIGHTS, data=st.data())
def test_peer_scores_are_symmetric_and_score_one_equals_its_row(
    a: list[Person], b: list[Person], weights: Weights, data: st.DataObject
) -> None:
    pairs = excluded_pairs(data, a, b)
    back_pairs = [(m, e) for e, m in pairs]
    ab, ba = peer_matrix(a, b, weights, pairs), peer_matrix(b, a, weights, back_pairs)
    np.testing.assert_allclose(ab.scores, ba.scores.T, rtol=0, atol=1e-6)
    assert np.all((ab.scores >= 0) & (ab.scores <= 1))
    # Only the candidate has to be open to requests, not the person asking, so
    # eligibility transposes exactly once both people are open.
    open_a = offers_from(a, VOCAB).open_to_requests(TODAY)
    open_b = offers_from(b, VOCAB).open_to_requests(TODAY)
    np.testing.assert_array_equal(ab.eligible & open_a[:, None], ba.eligible.T & open_b[None, :])
    a_open, b_open = [open_to_requests(p) for p in a], [open_to_requests(p) for p in b]
    np.testing.assert_array_equal(
        peer_matrix(a_open, b_open, weights, pairs).eligible,
        peer_matrix(b_open, a_open, weights, back_pairs).eligible.T,
    )

    a_seekers, b_offers = seekers_from(a, VOCAB), offers_from(b, VOCAB)
    b_as_mentees = seekers_from(b, VOCAB, with_slots=False)
    for i, person in enumerate(a):
        one = score_one(
            a_seekers.take(i),
            b_offers,
            weights=weights,
            kind=PEER,
            today=TODAY,
            exclude_ids=[m for e, m in pairs if e == person.id],
            reverse_seekers=b_as_mentees,
            reverse_offer=offers_from([person], VOCAB),
        )
        np.testing.assert_array_equal(one.eligible, ab.eligible[i])
        ok = one.eligible
        np.testing.assert_allclose(one.total[ok], ab.scores[i][ok], rtol=0, atol=MATRIX_TOLERANCE)
        for name in CRITERIA:
            values = one.values[name]
            assert np.all((values >= 0) & (values <= 1)), name


# --- (6) Fair exposure -------------------------------------------------------------------------


@st.composite
def rankings(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(0, 30))
    # Few distinct keys, so that ties (broken by id) are common.
    keys = draw(
        st.lists(
            st.sampled_from([0.0, 0.25, 0.5, 0.5 + 1e-12, 0.75, 1.0]) | st.floats(0, 1),
            min_size=n,
            max_size=n,
        )
    )
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    candidates = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return (
        np.array(keys, dtype=np.float64),
        np.array(ids, dtype=np.int64),
        np.array(candidates, dtype=bool),
    )


def full_order(keys: np.ndarray, ids: np.ndarray, candidates: np.ndarray) -> list[int]:
    return sorted(np.flatnonzero(candidates).tolist(), key=lambda p: (-keys[p], ids[p]))


@FAST
@given(ranking=rankings(), offset=st.integers(0, 35), limit=st.integers(0, 35))
def test_top_is_the_slice_of_the_order_by_key_then_id(
    ranking: tuple[np.ndarray, np.ndarray, np.ndarray], offset: int, limit: int
) -> None:
    keys, ids, candidates = ranking
    got = exposure.top(keys, ids, candidates, offset=offset, limit=limit).tolist()
    assert got == full_order(keys, ids, candidates)[offset : offset + limit]
    assert all(candidates[p] for p in got)


@FAST
@given(ranking=rankings(), page_size=st.integers(1, 7))
def test_pages_concatenate_to_the_full_order(
    ranking: tuple[np.ndarray, np.ndarray, np.ndarray], page_size: int
) -> None:
    keys, ids, candidates = ranking
    pages = []
    for page in itertools.count():
        got = exposure.top(keys, ids, candidates, offset=page * page_size, limit=page_size)
        if not len(got):
            break
        assert len(got) <= page_size
        pages.extend(got.tolist())
    assert pages == full_order(keys, ids, candidates)


@st.composite
def loads(draw: st.DrawFn, *, pending: bool) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(1, 20))
    scores = draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    ids = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n, unique=True))
    free = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    waiting = draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)) if pending else [0] * n
    return (
        np.array(scores, dtype=np.float64),
        np.array(ids, dtype=np.int64),
        np.array(free),
        np.array(waiting),
    )


seeds = st.integers(0, 2**64 - 1)


@FAST
@given(
    load=loads(pending=True),
    data=st.data(),
    seed=seeds,
    offset=st.integers(0, 12),
    limit=st.integers(0, 12),
)
def test_rank_positions_is_top_of_the_ranking_keys(
    load: tuple[np.ndarray, ...], data: st.DataObject, seed: int, offset: int, limit: int
) -> None:
    scores, ids, free, waiting = load
    n = len(scores)
    candidates = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    keys = exposure.ranking_keys(scores, ids, free, waiting, seed)
    expected = exposure.top(keys, ids, candidates, offset=offset, limit=limit)
    got = exposure.rank_positions(
        scores, ids, candidates, free, waiting, seed, offset=offset, limit=limit
    )
    assert got.tolist() == expected.tolist()


def kept_in_order(scores: np.ndarray, keys: np.ndarray, margin: float) -> None:
    for i, j in itertools.permutations(range(len(scores)), 2):
        if scores[i] - scores[j] > margin:
            assert keys[i] > keys[j], (scores[i], scores[j], keys[i], keys[j])


@FAST
@given(load=loads(pending=False), seed=seeds)
def test_without_pending_requests_only_near_ties_change_places(
    load: tuple[np.ndarray, ...], seed: int
) -> None:
    scores, ids, free, waiting = load
    keys = exposure.ranking_keys(scores, ids, free, waiting, seed)
    # The bound that holds under any load, and the tighter one without load.
    kept_in_order(scores, keys, exposure.NEAR_TIE + exposure.LOAD_PENALTY)
    kept_in_order(scores, keys, exposure.NEAR_TIE + 1e-9)
    assert np.all((keys >= scores) & (keys < scores + exposure.NEAR_TIE + 1e-12))


@FAST
@given(load=loads(pending=True), seed=seeds)
def test_load_moves_a_mentor_down_by_at_most_the_penalty(
    load: tuple[np.ndarray, ...], seed: int
) -> None:
    scores, ids, free, waiting = load
    keys = exposure.ranking_keys(scores, ids, free, waiting, seed)
    # Scores are at most 1, so the penalty costs at most LOAD_PENALTY.
    kept_in_order(scores, keys, exposure.NEAR_TIE + exposure.LOAD_PENALTY + 1e-9)
    assert np.all(keys >= scores * (1 - exposure.LOAD_PENALTY) - 1e-12)
    assert np.all(keys < scores + exposure.NEAR_TIE + 1e-12)
    unloaded = exposure.ranking_keys(scores, ids, free, np.zeros_like(waiting), seed)
    assert np.all(keys <= unloaded)


@FAST
@given(
    ids=st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=30, unique=True),
    seed=seeds,
)
def test_rotation_is_stable_per_id_and_seed_and_below_one(ids: list[int], seed: int) -> None:
    array = np.array(ids, dtype=np.int64)
    first = exposure.rotation(array, seed)
    assert np.all((first >= 0) & (first < 1))
    np.testing.assert_array_equal(exposure.rotation(array, seed), first)
    # Each id's number does not depend on who else is ranked with it.
    np.testing.assert_array_equal(exposure.rotation(array[::-1], seed), first[::-1])
    np.testing.assert_array_equal(exposure.rotation(array[:1], seed), first[:1])


def test_rotation_differs_between_days_for_the_same_mentee() -> None:
    ids = np.arange(1, 201, dtype=np.int64)
    monday = exposure.rotation(ids, exposure.rotation_seed(7, TODAY))
    tuesday = exposure.rotation(ids, exposure.rotation_seed(7, TODAY + 1))
    other_mentee = exposure.rotation(ids, exposure.rotation_seed(8, TODAY))
    # 200 uniform draws: the orders coincide by chance with negligible probability.
    assert not np.array_equal(np.argsort(monday), np.argsort(tuesday))
    assert not np.array_equal(np.argsort(monday), np.argsort(other_mentee))
    assert monday.std() == pytest.approx(np.sqrt(1 / 12), abs=0.05)
