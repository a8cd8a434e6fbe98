"""People joining and leaving programmes (the invite link, the API)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from matching.models import Enrolment, Program
from mentorship.exceptions import RuleViolation
from profiles.models import User
from profiles.services import ensure_profile, update_profile

ROLES = tuple(Enrolment.Role.values)


def join_closed_reason(program: Program) -> str:
    """Why the invite link no longer lets people in, or "" when it does."""
    if not program.enrolment_open:
        return f"{program.name} is not taking new members right now."
    if program.ends_on and program.ends_on < timezone.localdate():
        return f"{program.name} ended on {program.ends_on:%d %B %Y}."
    return ""


@transaction.atomic
def join_program(
    *, user: User, program: Program, role: str, source: str = Enrolment.Source.INVITE
) -> Enrolment:
    """Enrol the person (or change their side); their profile takes that side on too."""
    if role not in ROLES:
        raise RuleViolation("Choose to join as a mentee, a mentor or both.", code="role_unknown")
    enrolment = Enrolment.objects.select_for_update().filter(program=program, user=user).first()
    if enrolment is None:
        reason = join_closed_reason(program)
        if reason and source == Enrolment.Source.INVITE:
            raise RuleViolation(reason, code="enrolment_closed")
        enrolment = Enrolment.objects.create(program=program, user=user, role=role, source=source)
    elif enrolment.role != role:
        enrolment.role = role
        enrolment.save(update_fields=["role"])
    profile = ensure_profile(user=user)
    sides = {}
    if enrolment.is_mentee and not profile.is_mentee:
        sides["is_mentee"] = True
    if enrolment.is_mentor and not profile.is_mentor:
        sides["is_mentor"] = True
    if sides:
        # Through the profile service, so the mentor index sees the new side.
        update_profile(profile=profile, fields=sides)
    return enrolment


def leave_program(*, user: User, program: Program) -> bool:
    """Leave a programme; a mentorship begun in it carries on. False when not a member."""
    deleted, _ = Enrolment.objects.filter(program=program, user=user).delete()
    return bool(deleted)
