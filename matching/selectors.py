"""Reads for matching: mentors ranked for a mentee, one mentor's fit, a mentee's fit for a mentor.

A browse costs a constant number of queries whatever the number of mentors:
one for the data versions (the process's index and the mentee's cached
features are brought up to date only when they moved), one for the page's
mentors, whose capacity and status are checked against the database there
and then, and eight to encode the mentee when their data changed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from matching.engine import exposure
from matching.engine.features import KINDS, Offers, Person, Seekers, offers_from
from matching.engine.features import Vocabulary as Sizes
from matching.engine.scoring import ONE_TO_ONE, PEER, Scored, Weights, score_one
from matching.explanations import Explanation, PageLookup, explain
from matching.index import (
    MentorIndex,
    SeekerFacts,
    Vocabulary,
    VocabularyChanged,
    clock_versions,
    current_index,
    forget,
    load_offers,
    refresh_people,
    seeker_for,
)
from matching.index import _load_seekers as load_seekers_with_facts
from matching.models import (
    Mentorship,
    MentorshipQuerySet,
    MentorshipRequest,
    MentorshipRequestQuerySet,
    Program,
    RequestMessage,
)
from matching.outreach import MentorFacts
from matching.selectors_programs import program_mentor_ids
from matching.services import closed_reason, places_taken
from profiles.models import (
    DataClock,
    Expertise,
    Goal,
    Milestone,
    Persona,
    PersonaSkill,
    Profile,
    User,
)

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


@functools.cache
def _versions_sql(vendor: str) -> str:
    """The versions query for this database vendor (names quoted its way)."""
    quote = connection.ops.quote_name
    clock, profile = quote(DataClock._meta.db_table), quote(Profile._meta.db_table)
    # Names from the models, the id a parameter: nothing from outside is spliced in.
    return (
        f"SELECT (SELECT {quote('version')} FROM {clock} WHERE {quote('id')} = 1),"  # noqa: S608
        f" (SELECT {quote('taxonomy_version')} FROM {clock} WHERE {quote('id')} = 1),"
        f" (SELECT {quote('data_version')} FROM {profile} WHERE {quote('user_id')} = %s)"
    )


def _versions(user_id: int) -> tuple[int, int, int]:
    """The DataClock's versions and the person's own data version, in one query.

    Every browse reads it, so it is written out once: the ORM took 0.5 ms to
    compile these three subqueries, twenty times what the database needs.
    """
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(connection.vendor), [user_id])
        clock, taxonomy, own = cursor.fetchone()
    # No clock row before the first change; no profile row for someone not onboarded.
    return clock or 0, taxonomy or 0, own or 0


def _context(user_id: int, program: Program | None) -> _Context:
    now = timezone.now()
    clock, taxonomy, own_version = _versions(user_id)
    index = current_index(now=now, version=clock, taxonomy=taxonomy)
    try:
        seeker, facts = seeker_for(index, user_id=user_id, data_version=own_version)
    except VocabularyChanged:
        # The mentee wants a skill newer than the index: rebuild it with the new taxonomy.
        index = current_index(now=now, version=clock, taxonomy=taxonomy)
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
        exclude_ids=_already_asked(user_id),
        reverse_seekers=index.peer_seekers() if peer else None,
        reverse_offer=_as_offer(index, user_id) if peer else None,
    )
    return _Context(index, seeker, facts, weights, kind, scored, today)


@functools.cache
def _already_asked_sql(vendor: str) -> str:
    """Mentors with a request from the mentee waiting, or a live mentorship with them."""
    quote = connection.ops.quote_name
    requests, mentorships = (
        quote(model._meta.db_table) for model in (MentorshipRequest, Mentorship)
    )
    mentor, mentee, status = quote("mentor_id"), quote("mentee_id"), quote("status")
    live = ", ".join(f"'{state}'" for state in Mentorship.LIVE)
    # Names and states from the models, the id a parameter: nothing from outside.
    return (
        f"SELECT {mentor} FROM {requests} WHERE {mentee} = %s"  # noqa: S608
        f" AND {status} = '{MentorshipRequest.Status.PENDING}'"
        f" UNION SELECT {mentor} FROM {mentorships} WHERE {mentee} = %s"
        f" AND {status} IN ({live})"
    )


def _already_asked(user_id: int) -> list[int]:
    """Mentors this mentee has a request waiting with, or works with: one query on
    every browse, written out (the ORM spent 0.8 ms compiling the union)."""
    with connection.cursor() as cursor:
        cursor.execute(_already_asked_sql(connection.vendor), [user_id, user_id])
        return [mentor_id for (mentor_id,) in cursor.fetchall()]


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
        mask &= offers.skills.holders(index.vocab.skill_col(filters.skill), n)
    if filters.industry is not None:
        mask &= offers.industries.holders(index.vocab.industry_col(filters.industry), n)
    if filters.language is not None:
        mask &= offers.languages.holders(index.vocab.language_col(filters.language), n)
    if filters.kind:
        bit = 1 << KINDS.index(filters.kind) if filters.kind in KINDS else 0
        mask &= (offers.kinds & bit) > 0
    if filters.min_hours:
        mask &= np.nan_to_num(scored.shared_hours, nan=0.0) >= filters.min_hours
    if filters.program is not None:
        # The programme's mentors only: one query for their ids, then one array test.
        mask &= np.isin(offers.ids, program_mentor_ids(filters.program))
    return mask


# What cards, the API and the freshness check read of a listed mentor: the rest of
# the row (JSON lists among it) stays in the database, and the index has it.
PAGE_FIELDS = (
    "user_id", "is_mentor", "headline", "current_role", "organisation", "country",
    "time_zone", "capacity", "accepting_mentees", "paused_until",
    "user__name", "user__email", "user__is_active",
)  # fmt: skip


def _page_profiles(user_ids: list[int]) -> dict[int, Profile]:
    return {
        profile.user_id: profile
        for profile in Profile.objects.filter(user_id__in=user_ids)
        .select_related("user")
        .only(*PAGE_FIELDS)
    }


def rank_mentors(
    *, user: User, filters: MentorFilters, page: int = 1, page_size: int = 20
) -> MentorPage:
    """Mentors for this mentee, best first (fair exposure applied), one page of them.

    The page's mentors are read from the database as the page is built. Should
    the database disagree with this process's index about one of them (a write
    it has not seen yet), those people are re-encoded and the list ranked again,
    so the count, the paging and the page always come from the same data.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    for _attempt in range(2):
        context = _context(user.pk, filters.program)
        offers = context.index.offers
        mask = _filter_mask(context, filters)
        count = int(mask.sum())
        # Past the end (an old link, a list that shrank): the last page.
        number = min(max(1, page), max(1, math.ceil(count / page_size)))
        offset = (number - 1) * page_size
        positions = exposure.rank_positions(
            context.scored.total,
            offers.ids,
            mask,
            offers.free_places,
            offers.pending,
            exposure.rotation_seed(user.pk, context.today),
            offset=offset,
            limit=page_size,
        )
        profiles = _page_profiles([int(offers.ids[p]) for p in positions])
        stale = [
            int(offers.ids[p])
            for p in positions
            if not _agrees(profiles.get(int(offers.ids[p])), offers, p, context.today)
        ]
        if not stale:
            break
        refresh_people(stale)
    lookup = PageLookup(offers, positions)
    matches = [
        _match(
            context,
            position,
            profiles[int(offers.ids[position])],
            not closed_reason(profiles[int(offers.ids[position])], taken=0)
            and bool(context.scored.eligible[position]),
            rank,
            lookup,
        )
        for rank, position in enumerate(positions, start=offset + 1)
        if int(offers.ids[position]) in profiles
    ]
    return MentorPage(
        matches=matches,
        count=count,
        page=number,
        page_size=page_size,
        facts=context.facts,
        weights=context.weights,
        program=filters.program,
        vocab=context.index.vocab,
    )


def _agrees(profile: Profile | None, offers: Offers, position: int, today: int) -> bool:
    """Whether the index's idea of this mentor matches the database's row."""
    if profile is None or not profile.is_mentor or not profile.user.is_active:
        return False
    paused = profile.paused_until.toordinal() if profile.paused_until else 0
    return (
        int(offers.capacity[position]) == min(profile.capacity, 255)
        and bool(offers.accepting[position]) == profile.accepting_mentees
        and int(offers.paused_until[position]) == paused
    )


def _match(
    context: _Context,
    position: int,
    profile: Profile,
    is_open: bool,
    rank: int | None,
    lookup: PageLookup | None = None,
) -> MentorMatch:
    explanation = explain(
        index=context.index,
        position=position,
        scored=context.scored,
        seeker=context.seeker,
        facts=context.facts,
        weights=context.weights,
        lookup=lookup,
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
    is_open = not closed_reason(profile, taken=0) and bool(context.scored.eligible[position])
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


# Requests and mentorships: the only ways to reach them, each answering 404
# (DoesNotExist via get_object_or_404) for what the person is not part of.


def _requests() -> MentorshipRequestQuerySet:
    return MentorshipRequest.objects.select_related(
        "mentee__profile", "mentor__profile", "goal", "program"
    )


def get_request_for_participant(*, user: User, pk: int) -> MentorshipRequest:
    """A request the person sent or received; 404 for anyone else's."""
    return get_object_or_404(_requests().filter(Q(mentee=user) | Q(mentor=user)), pk=pk)


def get_request_for_mentee(*, user: User, pk: int) -> MentorshipRequest:
    """A request the person sent; 404 otherwise."""
    return get_object_or_404(_requests().filter(mentee=user), pk=pk)


def get_request_for_mentor(*, user: User, pk: int) -> MentorshipRequest:
    """A request the person received; 404 otherwise."""
    return get_object_or_404(_requests().filter(mentor=user), pk=pk)


def list_requests_sent(*, user: User) -> MentorshipRequestQuerySet:
    """The mentee's requests, newest first, with the mentor and the goal in the same query."""
    return _requests().filter(mentee=user).prefetch_related("messages")


def list_requests_received(*, user: User, pending_only: bool = True) -> MentorshipRequestQuerySet:
    """The mentor's inbox: waiting requests first in the order they arrived."""
    requests = _requests().filter(mentor=user).prefetch_related("messages")
    if pending_only:
        return requests.pending().order_by("created_at", "pk")
    return requests


def count_inbox(*, user: User) -> int:
    """Requests waiting for this mentor's answer (the number in the navigation)."""
    return MentorshipRequest.objects.filter(mentor=user, status="pending").count()


def _mentorships() -> MentorshipQuerySet:
    return Mentorship.objects.select_related(
        "mentee__profile", "mentor__profile", "program", "request"
    ).prefetch_related("goals")


def get_mentorship_for_participant(*, user: User, pk: int) -> Mentorship:
    """A mentorship the person is in, as mentee or mentor; 404 for anyone else's."""
    return get_object_or_404(_mentorships().filter(Q(mentee=user) | Q(mentor=user)), pk=pk)


def list_mentorships_for_participant(*, user: User) -> MentorshipQuerySet:
    """The person's mentorships on both sides, live ones first, newest first."""
    return _mentorships().filter(Q(mentee=user) | Q(mentor=user))


def suggest_mentors(*, user: User, exclude_ids: list[int], count: int = 3) -> list[MentorMatch]:
    """A few mentors who fit this mentee well and can take a request now (after a no)."""
    if not Profile.objects.filter(user=user, is_mentee=True).exists():
        return []
    page = rank_mentors(user=user, filters=MentorFilters(), page_size=count + len(exclude_ids))
    return [match for match in page.matches if match.id not in exclude_ids][:count]


def list_requests_for_participant(
    *, user: User, side: str | None = None, status: str | None = None
) -> MentorshipRequestQuerySet:
    """The person's requests, newest first: `side` "sent", "received" or None for both.

    The thread and, for accepted ones, the mentorship come with the rows (a
    page of any length costs the same queries).
    """
    if side == "sent":
        mine = Q(mentee=user)
    elif side == "received":
        mine = Q(mentor=user)
    else:
        mine = Q(mentee=user) | Q(mentor=user)
    requests = _requests().select_related("mentorship").filter(mine).prefetch_related("messages")
    if status:
        requests = requests.filter(status=status)
    return requests


# The mentor's inbox and the mentorship pages.


def explain_mentees_for_mentor(
    *, mentor: User, mentees: list[User], reader_zone: str | None = None
) -> dict[int, Explanation]:
    """How the mentor fits each of these mentees, told to the mentor, keyed by mentee id.

    The inbox's cards: a constant number of queries whatever the number of
    mentees (the data versions, then the mentees encoded together in nine),
    where `explain_mentee_for_mentor` pays a few per mentee. Mentees who cannot
    be scored (the mentor is not listed, or is the mentee) are left out.
    `reader_zone` is the mentor's zone (the page's active zone when None).
    """
    ids = list(dict.fromkeys(m.pk for m in mentees if m.pk != mentor.pk))
    if not ids:
        return {}
    now = timezone.now()
    clock, taxonomy = clock_versions()
    index = current_index(now=now, version=clock, taxonomy=taxonomy)
    if index.position(mentor.pk) is None:
        return {}
    try:
        seekers, facts = load_seekers_with_facts(
            index.vocab, index.week_start, ids, with_slots=True
        )
    except VocabularyChanged:
        # A mentee wants a skill newer than the index: rebuild it with the new taxonomy.
        forget()
        index = current_index(now=now, version=clock, taxonomy=taxonomy)
        seekers, facts = load_seekers_with_facts(
            index.vocab, index.week_start, ids, with_slots=True
        )
    position = index.position(mentor.pk)
    if position is None:
        return {}
    names = {m.pk: m.get_short_name() for m in mentees}
    weights = Weights.of()
    today = timezone.localdate().toordinal()
    zone = reader_zone or timezone.get_current_timezone_name()
    explanations = {}
    for row, user_id in enumerate(ids):
        seeker = seekers.take(row)
        scored = score_one(seeker, index.offers, weights=weights, kind=ONE_TO_ONE, today=today)
        explanations[user_id] = explain(
            index=index,
            position=position,
            scored=scored,
            seeker=seeker,
            facts=facts[row],
            weights=weights,
            voice="mentor",
            mentee_name=names[user_id],
            reader_zone=zone,
        )
    return explanations


# What the compact "Answered" list and the mentorships list read of each row.
ANSWERED_FIELDS = (
    "pk", "subject", "status", "created_at", "responded_at", "decline_reason",
    "mentee", "mentee__name", "mentee__email", "mentorship__id", "mentorship__status",
)  # fmt: skip
MENTORSHIP_LIST_FIELDS = (
    "pk", "status", "started_at", "ended_at",
    "mentee_confirmed_at", "mentor_confirmed_at", "frequency", "session_minutes",
    "mentee__name", "mentee__email", "mentor__name", "mentor__email",
    "mentee", "mentor", "request", "request__goal", "request__goal__title",
)  # fmt: skip


def list_requests_answered(*, user: User, limit: int = 10) -> list[MentorshipRequest]:
    """The mentor's most recently answered (or closed) requests, newest answer first."""
    return list(
        MentorshipRequest.objects.filter(mentor=user)
        .exclude(status=MentorshipRequest.Status.PENDING)
        .select_related("mentee", "mentorship")
        .only(*ANSWERED_FIELDS)
        .order_by(F("responded_at").desc(nulls_last=True), "-pk")[:limit]
    )


def mentee_goals_for_request(*, request: MentorshipRequest) -> list[Goal]:
    """The mentee's active goals with milestones, the request's own goal first.

    The mentor sees them because the mentee wrote to them; the request's goal
    is shown even when it is no longer active.
    """
    goals = list(
        Goal.objects.filter(owner_id=request.mentee_id)
        .filter(Q(status=Goal.Status.ACTIVE) | Q(pk=request.goal_id))
        .prefetch_related(
            Prefetch("milestones", Milestone.objects.order_by("done_at", "due_date", "id")),
            "skills",
        )
    )
    goals.sort(key=lambda goal: goal.pk != request.goal_id)
    return goals


def get_persona_of_mentee(*, request: MentorshipRequest) -> Persona | None:
    """What the mentee who wrote this request looks for in a mentor."""
    return (
        Persona.objects.filter(owner_id=request.mentee_id)
        .prefetch_related(
            Prefetch("skills", PersonaSkill.objects.select_related("skill")),
            "industries",
            "languages",
        )
        .first()
    )


def get_mentorship_page(*, user: User, pk: int) -> Mentorship:
    """A mentorship the person is in, with its goals and their milestones; 404 otherwise."""
    return get_object_or_404(
        Mentorship.objects.select_related(
            "mentee__profile", "mentor__profile", "program", "request__goal"
        )
        .prefetch_related(
            Prefetch(
                "goals",
                Goal.objects.prefetch_related(
                    Prefetch("milestones", Milestone.objects.order_by("done_at", "due_date", "id"))
                ),
            )
        )
        .filter(Q(mentee=user) | Q(mentor=user)),
        pk=pk,
    )


def list_mentorships_page(*, user: User) -> list[Mentorship]:
    """The person's mentorships on both sides for the list page: live first, newest first."""
    mentorships = list(
        Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentor", "request__goal")
        .only(*MENTORSHIP_LIST_FIELDS)
        .order_by("-started_at", "-pk")
    )
    mentorships.sort(key=lambda m: not m.is_live)
    return mentorships


@dataclass(frozen=True)
class NavCounts:
    is_mentor: bool
    inbox: int
    has_mentorships: bool
    has_requests: bool = False  # sent any: shows "Requests"


def nav_counts(*, user: User) -> NavCounts:
    """The inbox badge and whether to show "Requests" and "Mentorships", in one query."""
    pending = MentorshipRequest.objects.filter(
        mentor_id=OuterRef("user_id"), status=MentorshipRequest.Status.PENDING
    )
    row = (
        Profile.objects.filter(user_id=user.pk)
        .annotate(
            inbox=Subquery(
                pending.order_by().values("mentor_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            has_mentorships=Exists(
                Mentorship.objects.filter(
                    Q(mentee_id=OuterRef("user_id")) | Q(mentor_id=OuterRef("user_id"))
                )
            ),
            has_requests=Exists(MentorshipRequest.objects.filter(mentee_id=OuterRef("user_id"))),
        )
        .values_list("is_mentor", "inbox", "has_mentorships", "has_requests")
        .first()
    )
    if row is None:
        return NavCounts(is_mentor=False, inbox=0, has_mentorships=False)
    is_mentor, inbox, has_mentorships, has_requests = row
    return NavCounts(
        is_mentor=bool(is_mentor),
        inbox=int(inbox or 0),
        has_mentorships=bool(has_mentorships),
        has_requests=bool(has_requests),
    )


# The mentee's side of outreach: the composer, their sent requests.


@dataclass(frozen=True)
class OutreachState:
    """Whether this mentee can write to this mentor now, and if not, why."""

    blocker: str  # the reason in words, "" when a request can be sent
    pending: MentorshipRequest | None  # their request to this mentor still waiting
    mentorship_id: int | None  # their live mentorship with this mentor


def get_outreach_state(*, mentee: User, profile: Profile) -> OutreachState:
    """The service's rules, read ahead so a page can say them before anyone types."""
    mentorship_id = (
        Mentorship.objects.live()
        .filter(mentee=mentee, mentor_id=profile.user_id)
        .values_list("pk", flat=True)
        .first()
    )
    name = profile.user.get_short_name()
    if mentorship_id is not None:
        return OutreachState(f"You are already in a mentorship with {name}.", None, mentorship_id)
    pending = (
        MentorshipRequest.objects.pending()
        .filter(mentee=mentee, mentor_id=profile.user_id)
        .only("pk", "subject", "created_at", "status")
        .first()
    )
    if pending is not None:
        return OutreachState(
            f"Your request to {name} is still waiting for an answer.", pending, None
        )
    reason = closed_reason(profile, taken=places_taken(profile.user))
    return OutreachState(reason, None, None)


def get_outreach_facts(*, mentor_id: int) -> MentorFacts:
    """What the hints may look for in a personal opening (two queries); 404 for a non-mentor."""
    profile = get_object_or_404(
        Profile.objects.only("pk", "headline", "current_role", "organisation"),
        user_id=mentor_id,
        is_mentor=True,
        user__is_active=True,
    )
    skills = Expertise.objects.filter(profile=profile).values_list("skill__name", flat=True)
    return MentorFacts(
        headline=profile.headline,
        role=profile.current_role,
        organisation=profile.organisation,
        skills=tuple(skills),
    )


def list_goals_for_outreach(*, user: User) -> list[Goal]:
    """The mentee's goals a request can be about: active ones first, most important first."""
    goals = (
        Goal.objects.filter(owner=user)
        .exclude(status=Goal.Status.DROPPED)
        .only("pk", "title", "status", "priority", "owner_id")
    )
    return sorted(goals, key=lambda g: (g.status != Goal.Status.ACTIVE, g.priority, -g.pk))


def list_sent_requests(*, user: User) -> MentorshipRequestQuerySet:
    """The mentee's requests, newest first, for lists: the mentor, the goal, the mentorship
    an accepted one started, and whether the mentor's question waits for an answer, in
    one query."""
    last_author = (
        RequestMessage.objects.filter(request=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("author_id")[:1]
    )
    return (
        MentorshipRequest.objects.filter(mentee=user)
        .select_related("mentor", "goal", "mentorship")
        .annotate(last_author_id=Subquery(last_author))
        .order_by("-created_at", "-pk")
    )


def list_request_messages(*, request: MentorshipRequest) -> list[RequestMessage]:
    """A request's thread, oldest first (authors are the request's two people)."""
    return list(RequestMessage.objects.filter(request=request).order_by("created_at", "pk"))
