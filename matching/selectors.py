"""Reads for matching: mentors ranked for a mentee, one mentor's fit, a mentee's fit for a mentor.

A browse costs a constant number of queries whatever the number of mentors:
one for the data versions (the process's index and the mentee's cached
features are brought up to date only when they moved), one for the page's
mentors, whose capacity and status are checked against the database there
and then, and eight to encode the mentee when their data changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from matching.engine import exposure
from matching.engine.features import KINDS, Offers, Person, Seekers, offers_from
from matching.engine.features import Vocabulary as Sizes
from matching.engine.scoring import ONE_TO_ONE, PEER, Scored, Weights, score_one
from matching.explanations import Explanation, explain
from matching.index import (
    MentorIndex,
    SeekerFacts,
    Vocabulary,
    VocabularyChanged,
    current_index,
    load_offers,
    seeker_for,
)
from matching.models import Program
from profiles.models import DataClock, MentoringKind, Profile, User

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class MentorFilters:
    skill: int | None = None  # the mentor lists this skill
    industry: int | None = None  # works in or mentors this industry
    language: int | None = None  # speaks this language
    min_hours: float | None = None  # at least this many shared hours a week
    kind: str | None = None  # offers this kind of mentoring (MentoringKind)
    accepting_only: bool = True  # only mentors who can take a request now
    program: Program | None = None  # whose weights and kind apply


@dataclass(frozen=True)
class MentorMatch:
    profile: Profile
    explanation: Explanation
    places_left: int
    open_to_requests: bool
    rank: int | None  # 1 = the top of the mentee's list; None when not listed

    @property
    def id(self) -> int:
        return self.profile.user_id

    @property
    def score(self) -> float:
        return self.explanation.score


@dataclass(frozen=True)
class MentorPage:
    matches: list[MentorMatch]
    count: int
    page: int
    page_size: int
    facts: SeekerFacts
    weights: Weights
    program: Program | None
    vocab: Vocabulary

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))


@dataclass(frozen=True)
class _Context:
    index: MentorIndex
    seeker: Seekers
    facts: SeekerFacts
    weights: Weights
    kind: str
    scored: Scored
    today: int


def _versions(user_id: int) -> tuple[int, int]:
    """The DataClock version and the person's own data version, in one query."""
    row = (
        Profile.objects.filter(user_id=user_id)
        .annotate(clock=Subquery(DataClock.objects.filter(pk=1).values("version")[:1]))
        .values_list("clock", "data_version")
        .first()
    )
    if row is None:
        clock = DataClock.objects.filter(pk=1).values_list("version", flat=True).first()
        return clock or 0, 0
    return row[0] or 0, row[1]


def _context(user_id: int, program: Program | None) -> _Context:
    now = timezone.now()
    clock, own_version = _versions(user_id)
    index = current_index(now=now, version=clock)
    try:
        seeker, facts = seeker_for(index, user_id=user_id, data_version=own_version)
    except VocabularyChanged:
        # The mentee wants a skill newer than the index: rebuild it with the new taxonomy.
        index = current_index(now=now, version=clock)
        seeker, facts = seeker_for(index, user_id=user_id, data_version=own_version)
    weights = program.engine_weights() if program else Weights.of()
    kind = program.kind if program else ONE_TO_ONE
    today = timezone.localdate().toordinal()
    peer = kind == PEER
    scored = score_one(
        seeker,
        index.offers,
        weights=weights,
        kind=kind,
        today=today,
        reverse_seekers=index.peer_seekers() if peer else None,
        reverse_offer=_as_offer(index, user_id) if peer else None,
    )
    return _Context(index, seeker, facts, weights, kind, scored, today)


def _as_offer(index: MentorIndex, user_id: int) -> Offers:
    """The person as a mentor (one row), for the reverse direction of peer scores."""
    position = index.position(user_id)
    if position is not None:
        return index.offers.replace_people(np.delete(index.offers.ids, position), None)
    profile_ids = list(Profile.objects.filter(user_id=user_id).values_list("pk", flat=True))
    offer = load_offers(index.vocab, index.week_start, profile_ids)
    if len(offer) == 0:
        # Not a mentor themself: an empty offer (no skills, no languages listed).
        sizes = Sizes(
            len(index.vocab.skill_ids), len(index.vocab.language_ids), len(index.vocab.industry_ids)
        )
        offer = offers_from([Person(id=user_id)], sizes)
    return offer


def _filter_mask(context: _Context, filters: MentorFilters) -> npt.NDArray[np.bool_]:
    index, scored = context.index, context.scored
    offers = index.offers
    n = len(offers)
    if filters.accepting_only:
        mask = scored.eligible.copy()
    else:
        # Everyone who fits, whether or not they can take a request today.
        mask = ~(scored.no_language | scored.must_unmet | scored.excluded)
    if filters.skill is not None:
        col = index.vocab.skill_col(filters.skill)
        holders = np.zeros(n, dtype=bool)
        if col is not None:
            holders[offers.skills.pos[offers.skills.ptr[col] : offers.skills.ptr[col + 1]]] = True
        mask &= holders
    if filters.industry is not None:
        col = index.vocab.industry_col(filters.industry)
        holders = np.zeros(n, dtype=bool)
        if col is not None:
            ind = offers.industries
            holders[ind.pos[ind.ptr[col] : ind.ptr[col + 1]]] = True
        mask &= holders
    if filters.language is not None:
        col = index.vocab.language_col(filters.language)
        holders = np.zeros(n, dtype=bool)
        if col is not None:
            lg = offers.languages
            holders[lg.pos[lg.ptr[col] : lg.ptr[col + 1]]] = True
        mask &= holders
    if filters.kind:
        bit = 1 << KINDS.index(filters.kind) if filters.kind in KINDS else 0
        mask &= (offers.kinds & bit) > 0
    if filters.min_hours:
        mask &= np.nan_to_num(scored.shared_hours, nan=0.0) >= filters.min_hours
    return mask


def _page_profiles(user_ids: list[int]) -> dict[int, Profile]:
    return {
        profile.user_id: profile
        for profile in Profile.objects.filter(user_id__in=user_ids).select_related(
            "user", "industry"
        )
    }


def _is_open(profile: Profile, today_date: date) -> bool:
    return (
        profile.accepting_mentees
        and profile.capacity > 0
        and (profile.paused_until is None or profile.paused_until <= today_date)
    )


def rank_mentors(
    *, user: User, filters: MentorFilters, page: int = 1, page_size: int = 20
) -> MentorPage:
    """Mentors for this mentee, best first (fair exposure applied), one page of them."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    context = _context(user.pk, filters.program)
    offers = context.index.offers
    mask = _filter_mask(context, filters)
    count = int(mask.sum())
    offset = (page - 1) * page_size
    today_date = timezone.localdate()
    matches: list[MentorMatch] = []
    # The index may lag a write by a moment: the database has the last word on
    # who is still a mentor and who can take a request, and the page is refilled.
    extra = max(5, page_size // 2)
    for _attempt in range(3):
        positions = exposure.rank_positions(
            context.scored.total,
            offers.ids,
            mask,
            offers.free_places,
            offers.pending,
            exposure.rotation_seed(user.pk, context.today),
            offset=offset,
            limit=page_size + extra,
        )
        wanted_ids = [int(offers.ids[p]) for p in positions]
        profiles = _page_profiles(wanted_ids)
        matches = []
        for rank, position in enumerate(positions, start=offset + 1):
            profile = profiles.get(int(offers.ids[position]))
            if profile is None or not profile.is_mentor or not profile.user.is_active:
                continue
            is_open = _is_open(profile, today_date) and bool(context.scored.eligible[position])
            if filters.accepting_only and not is_open:
                continue
            matches.append(_match(context, position, profile, is_open, rank))
            if len(matches) == page_size:
                break
        if len(matches) == page_size or len(positions) < page_size + extra:
            break
        extra *= 4
    return MentorPage(
        matches=matches,
        count=count,
        page=page,
        page_size=page_size,
        facts=context.facts,
        weights=context.weights,
        program=filters.program,
        vocab=context.index.vocab,
    )


def _match(
    context: _Context, position: int, profile: Profile, is_open: bool, rank: int | None
) -> MentorMatch:
    explanation = explain(
        index=context.index,
        position=position,
        scored=context.scored,
        seeker=context.seeker,
        facts=context.facts,
        weights=context.weights,
    )
    places = max(profile.capacity - int(context.index.offers.taken[position]), 0)
    return MentorMatch(
        profile=profile,
        explanation=explanation,
        places_left=places,
        open_to_requests=is_open,
        rank=rank,
    )


def get_mentor_match(*, user: User, mentor_id: int, program: Program | None = None) -> MentorMatch:
    """One mentor's full fit for this mentee; 404 for anyone who is not an active mentor."""
    if mentor_id == user.pk:
        raise Http404("This is you.")
    context = _context(user.pk, program)
    position = context.index.position(mentor_id)
    if position is None:
        raise Http404("No such mentor.")
    profile = get_object_or_404(
        Profile.objects.select_related("user", "industry"),
        user_id=mentor_id,
        is_mentor=True,
        user__is_active=True,
    )
    is_open = _is_open(profile, timezone.localdate()) and bool(context.scored.eligible[position])
    return _match(context, position, profile, is_open, rank=None)


def explain_mentee_for_mentor(*, mentor: User, mentee: User) -> Explanation | None:
    """How the mentor fits this mentee, told to the mentor (None when not a listed mentor)."""
    context = _context(mentee.pk, None)
    position = context.index.position(mentor.pk)
    if position is None or mentor.pk == mentee.pk:
        return None
    reader_zone = Profile.objects.filter(user=mentor).values_list("time_zone", flat=True).first()
    return explain(
        index=context.index,
        position=position,
        scored=context.scored,
        seeker=context.seeker,
        facts=context.facts,
        weights=context.weights,
        voice="mentor",
        mentee_name=mentee.get_short_name(),
        reader_zone=reader_zone,
    )


def mentoring_kind_choices() -> list[tuple[str, str]]:
    return list(MentoringKind.choices)
