"""Reads with access rules: what a person may see of profiles, goals and personas."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Prefetch, Q, QuerySet, When, prefetch_related_objects
from django.shortcuts import get_object_or_404

from profiles.models import (
    Expertise,
    Goal,
    Milestone,
    Persona,
    PersonaSkill,
    Profile,
    ProfileLanguage,
    Skill,
    User,
)


def get_own_profile(*, user: User) -> Profile:
    """The person's own profile with everything its pages show (created if missing)."""
    Profile.objects.get_or_create(user=user)
    return _profile_queryset().get(user=user)


def _profile_queryset() -> QuerySet[Profile]:
    return Profile.objects.select_related("user", "industry").prefetch_related(
        Prefetch("languages", ProfileLanguage.objects.select_related("language")),
        Prefetch("expertise", Expertise.objects.select_related("skill")),
        "mentor_industries",
        "availability",
    )


def get_public_profile(*, viewer: User, user_id: int) -> Profile:
    """Another person's profile as others see it (contact links are left to the page).

    Anyone signed in may see people who have said they mentor or look for a
    mentor; a profile with neither role is private (404).
    """
    return get_object_or_404(
        _profile_queryset().filter(Q(is_mentor=True) | Q(is_mentee=True) | Q(user=viewer)),
        user_id=user_id,
        user__is_active=True,
    )


def list_goals_for_owner(*, user: User) -> QuerySet[Goal]:
    return Goal.objects.filter(owner=user).prefetch_related(
        "skills", Prefetch("milestones", Milestone.objects.order_by("done_at", "due_date", "id"))
    )


def get_goal_for_owner(*, user: User, pk: int) -> Goal:
    """One of the person's own goals; 404 for anyone else's."""
    return get_object_or_404(list_goals_for_owner(user=user), pk=pk)


def get_milestone_for_owner(*, user: User, pk: int) -> Milestone:
    """A milestone of one of the person's own goals; 404 for anyone else's."""
    return get_object_or_404(Milestone.objects.select_related("goal"), pk=pk, goal__owner=user)


def get_persona_for_owner(*, user: User) -> Persona | None:
    return (
        Persona.objects.filter(owner=user)
        .prefetch_related(
            Prefetch("skills", PersonaSkill.objects.select_related("skill")),
            "industries",
            "languages",
        )
        .first()
    )


def _search_text(query: str) -> str:
    # Databases refuse NUL in text; nobody's skill is longer than 80 characters.
    return query.replace("\x00", "").strip()[:80]


def search_skills(*, query: str, limit: int = 20) -> QuerySet[Skill]:
    """Skills whose name contains the query, names starting with it first (for suggestions)."""
    return list_skills(query=query)[:limit]


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    url_name: str
    done: bool


def completeness(*, profile: Profile, has_goals: bool, has_persona: bool) -> list[Step]:
    """What makes a profile useful for matching, and whether each part is there.

    `profile` must come from `get_own_profile` (its languages, expertise and
    availability are prefetched).
    """
    steps = [
        Step(
            "roles",
            "Choose mentee, mentor or both",
            "profiles:onboarding_roles",
            profile.is_mentee or profile.is_mentor,
        ),
        Step(
            "basics",
            "Headline, role and time zone",
            "profiles:onboarding_basics",
            bool(profile.headline and profile.current_role),
        ),
        Step("languages", "Languages you speak", "profiles:edit", bool(profile.languages.all())),
        Step(
            "availability",
            "When you are available",
            "profiles:availability",
            bool(profile.availability.all()),
        ),
    ]
    if profile.is_mentee:
        steps += [
            Step("goals", "A specific goal", "profiles:goals", has_goals),
            Step("persona", "The mentor you are looking for", "profiles:persona", has_persona),
        ]
    if profile.is_mentor:
        steps += [
            Step(
                "expertise",
                "What you can help with",
                "profiles:onboarding_expertise",
                bool(profile.expertise.all()),
            ),
            Step(
                "capacity",
                "How many mentees at once",
                "profiles:onboarding_capacity",
                profile.capacity > 0 and bool(profile.how_i_can_help),
            ),
        ]
    return steps


def get_skills_by_names(*, names: list[str]) -> dict[str, Skill]:
    """Skills with these names (any case), keyed by lower-case name; unknown ones are absent."""
    wanted = {name.strip().lower() for name in names if name.strip()}
    if not wanted:
        return {}
    match = Q()
    for name in wanted:
        match |= Q(name__iexact=name)
    skills = Skill.objects.filter(match)
    return {skill.name.lower(): skill for skill in skills}


def list_milestones_for_owner(*, user: User, goal_id: int) -> QuerySet[Milestone]:
    """The milestones of one of the person's own goals; 404 when the goal is not theirs."""
    goal = get_object_or_404(Goal.objects.only("pk"), pk=goal_id, owner=user)
    return Milestone.objects.filter(goal=goal).order_by("done_at", "due_date", "id")


def get_own_availability(*, user: User) -> Profile:
    """The person's profile with its availability windows loaded (created if missing)."""
    profile, _ = Profile.objects.get_or_create(user=user)
    prefetch_related_objects([profile], "availability")
    return profile


def list_skills(*, query: str = "") -> QuerySet[Skill]:
    """Every skill, or those whose name contains `query`, names starting with it first."""
    skills = Skill.objects.select_related("category")
    query = _search_text(query)
    if not query:
        return skills.order_by("name", "id")
    starts_first = Case(When(name__istartswith=query, then=0), default=1)
    return skills.filter(name__icontains=query).order_by(starts_first, "name", "id")


def has_goals_and_persona(*, user: User) -> tuple[bool, bool]:
    """Whether the person has written a goal and a mentor persona, in one query."""
    from django.db.models import Exists, OuterRef

    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_goals=Exists(Goal.objects.filter(owner=OuterRef("pk"))),
            has_persona=Exists(Persona.objects.filter(owner=OuterRef("pk"))),
        )
        .values_list("has_goals", "has_persona")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)
