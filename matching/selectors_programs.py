"""Reads about programmes for their members: 404 for what a person is not part of."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from matching.models import Enrolment, Mentorship, Program
from profiles.models import User

MENTEE_ROLES = (Enrolment.Role.MENTEE, Enrolment.Role.BOTH)
MENTOR_ROLES = (Enrolment.Role.MENTOR, Enrolment.Role.BOTH)


def _with_counts(programs: QuerySet[Program]) -> QuerySet[Program]:
    return programs.annotate(
        mentee_count=Count(
            "enrolments", filter=Q(enrolments__role__in=MENTEE_ROLES), distinct=True
        ),
        mentor_count=Count(
            "enrolments", filter=Q(enrolments__role__in=MENTOR_ROLES), distinct=True
        ),
    )


def list_programs_for_member(*, user: User) -> list[Program]:
    """The person's programmes with their role and people counts (two queries), newest first."""
    mine = Enrolment.objects.filter(program=OuterRef("pk"), user=user)
    programs: list[Program] = list(
        _with_counts(Program.objects.filter(Exists(mine)))
        .annotate(my_role=mine.values("role")[:1], my_joined_at=mine.values("joined_at")[:1])
        .order_by("-my_joined_at", "name")
    )
    live = dict(
        Mentorship.objects.live()
        .filter(Q(mentee=user) | Q(mentor=user), program__in=[p.pk for p in programs])
        .values("program")
        .annotate(n=Count("pk"))
        .values_list("program", "n")
    )
    for program in programs:
        program.my_live_mentorships = live.get(program.pk, 0)  # type: ignore[attr-defined]
    return programs


def get_program_for_member(*, user: User, slug: str) -> tuple[Program, Enrolment]:
    """A programme the person is in, with their enrolment; 404 for anyone else."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("program"), program__slug=slug, user=user
    )
    program = _with_counts(Program.objects.filter(pk=enrolment.program_id)).get()
    return program, enrolment


def get_program_by_invite(*, code: str) -> Program:
    """The programme an invite link points to; 404 for an unknown code."""
    return get_object_or_404(_with_counts(Program.objects.all()), invite_code=code)


def enrolment_of(*, user: User, program: Program) -> Enrolment | None:
    return Enrolment.objects.filter(program=program, user=user).first()


def browsable_programs(*, user: User) -> QuerySet[Program]:
    """Programmes in which this person may choose a mentor (as a mentee)."""
    return Program.objects.filter(enrolments__user=user, enrolments__role__in=MENTEE_ROLES).exclude(
        matching_mode=Program.MatchingMode.ADMIN_ASSIGNED
    )


def program_mentor_ids(program: Program) -> list[int]:
    """The user ids of the programme's mentors (one query)."""
    return list(
        Enrolment.objects.filter(program=program, role__in=MENTOR_ROLES).values_list(
            "user_id", flat=True
        )
    )


def mentor_in_program(*, program: Program, mentor_id: int) -> bool:
    return Enrolment.objects.filter(
        program=program, user_id=mentor_id, role__in=MENTOR_ROLES
    ).exists()
