"""A person's own data: everything of theirs in one JSON file, and deleting the account.

The export holds what the person wrote and what happened to them; of other people
it holds only their display name (no email, no contact links, no private notes,
no reflections or feedback of theirs).

Deleting keeps the shared history readable for the other side (a session that
took place, a mentorship that ended) but takes every personal thing away: the
account row stays as "A former member" with no email, password or name, and
what the person wrote is deleted or blanked.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from matching.models import (
    Enrolment,
    Mentorship,
    MentorshipRequest,
    PairRule,
    RequestMessage,
)
from mentorship.notifications.models import BouncedAddress, Notification
from profiles.models import FORMER_MEMBER, Goal, Persona, Profile, User
from profiles.services import mark_profiles_changed
from sessions_app.models import CheckIn, Reflection, Session, SessionNote

EXPORT_FORMAT = "mentorship-export/1"
# Bookkeeping of the platform, not something the person said.
INTERNAL = {"id", "user", "owner", "profile", "data_version", "expiry_streak_since", "form_token"}
MENTORSHIP_LINKS = {
    "mentee", "mentor", "program", "request", "match_run", "paused_by", "close_proposed_by",
}  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _fields(obj: models.Model, *, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The object's own columns as plain JSON values (foreign keys as ids)."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in INTERNAL or field.name in skip:
            continue
        values[field.name] = _plain(field.value_from_object(obj))
    return values


def _name(user: User | None, me: User) -> str | None:
    if user is None:
        return None
    return "you" if user.pk == me.pk else user.display_name


def export_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`, and nothing private of anyone else."""
    profile = (
        Profile.objects.filter(user=user)
        .select_related("industry")
        .prefetch_related(
            "mentor_industries", "languages__language", "expertise__skill", "availability"
        )
        .first()
    )
    persona = (
        Persona.objects.filter(owner=user)
        .prefetch_related("industries", "languages", "skills__skill")
        .first()
    )
    goals = Goal.objects.filter(owner=user).prefetch_related("milestones", "skills")
    requests = (
        MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentor", "program", "goal")
        .prefetch_related("messages__author")
        .order_by("created_at", "pk")
    )
    mentorships = (
        Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentor", "program")
        .prefetch_related("goals")
        .order_by("started_at", "pk")
    )
    sessions = (
        Session.objects.filter(mentorship__in=mentorships)
        .select_related("proposed_by", "cancelled_by")
        .order_by("starts_at", "pk")
    )
    my_notes = {note.session_id: note.body for note in SessionNote.objects.filter(author=user)}
    checkins = CheckIn.objects.filter(mentorship__in=mentorships).order_by("created_at", "pk")
    reflections = Reflection.objects.filter(author=user).prefetch_related("outcomes__goal")

    by_mentorship: dict[int, dict[str, list[dict[str, Any]]]] = {
        m.pk: {"sessions": [], "checkins": [], "reflections": []} for m in mentorships
    }
    for session in sessions:
        row = _fields(session, skip={"mentorship", "uid", "sequence"})
        row.update(
            proposed_by=_name(session.proposed_by, user),
            cancelled_by=_name(session.cancelled_by, user),
            no_show_of=None
            if session.no_show_of_id is None
            else ("you" if session.no_show_of_id == user.pk else "the other person"),
            my_private_note=my_notes.get(session.pk, ""),
        )
        by_mentorship[session.mentorship_id]["sessions"].append(row)
    for checkin in checkins:
        mine = checkin.author_id == user.pk
        row = {
            "due_on": _plain(checkin.due_on),
            "created_at": _plain(checkin.created_at),
            "author": "you" if mine else "your mentee",
            "progress": checkin.progress,
        }
        if mine:
            row.update(wins=checkin.wins, blockers=checkin.blockers, next_steps=checkin.next_steps)
        else:
            # The mentee's words are theirs; the mentor's own comment is the mentor's.
            row.update(my_comment=checkin.mentor_comment)
        row["acknowledged_at"] = _plain(checkin.acknowledged_at)
        by_mentorship[checkin.mentorship_id]["checkins"].append(row)
    for reflection in reflections:
        row = _fields(reflection, skip={"mentorship", "author"})
        row["goal_outcomes"] = [
            {"goal": outcome.goal.title, "outcome": outcome.outcome, "note": outcome.note}
            for outcome in reflection.outcomes.all()
        ]
        by_mentorship[reflection.mentorship_id]["reflections"].append(row)

    return {
        "format": EXPORT_FORMAT,
        "exported_at": _plain(timezone.now()),
        "account": {
            "email": user.email,
            "name": user.name,
            "date_joined": _plain(user.date_joined),
            "last_login": _plain(user.last_login),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user)
            ],
            "second_factors": [
                {"type": a.type, "created_at": _plain(a.created_at)}
                for a in Authenticator.objects.filter(user=user)
            ],
        },
        "profile": None
        if profile is None
        else {
            **_fields(profile, skip={"industry"}),
            "industry": profile.industry.name if profile.industry else None,
            "mentor_industries": [i.name for i in profile.mentor_industries.all()],
            "languages": [
                {"language": row.language.name, "proficiency": row.proficiency}
                for row in profile.languages.all()
            ],
            "expertise": [
                {"skill": row.skill.name, "level": row.level} for row in profile.expertise.all()
            ],
            "availability": [
                {"weekday": w.weekday, "start_minute": w.start_minute, "end_minute": w.end_minute}
                for w in profile.availability.all()
            ],
        },
        "mentor_persona": None
        if persona is None
        else {
            **_fields(persona),
            "industries": [i.name for i in persona.industries.all()],
            "languages": [language.name for language in persona.languages.all()],
            "skills": [
                {"skill": s.skill.name, "importance": s.importance} for s in persona.skills.all()
            ],
        },
        "goals": [
            {
                **_fields(goal),
                "skills": [skill.name for skill in goal.skills.all()],
                "milestones": [_fields(m, skip={"goal"}) for m in goal.milestones.all()],
            }
            for goal in goals
        ],
        "requests": [
            {
                "direction": "sent" if request.mentee_id == user.pk else "received",
                "mentee": _name(request.mentee, user),
                "mentor": _name(request.mentor, user),
                "program": request.program.name if request.program else None,
                "goal": request.goal.title if request.goal else None,
                **_fields(request, skip={"mentee", "mentor", "program", "goal", "match_run"}),
                "messages": [
                    {
                        "author": _name(message.author, user),
                        "body": message.body,
                        "created_at": _plain(message.created_at),
                    }
                    for message in request.messages.all()
                ],
            }
            for request in requests
        ],
        "mentorships": [
            {
                "role": "mentee" if mentorship.mentee_id == user.pk else "mentor",
                "with": _name(
                    mentorship.mentor if mentorship.mentee_id == user.pk else mentorship.mentee,
                    user,
                ),
                "program": mentorship.program.name if mentorship.program else None,
                "goals": [goal.title for goal in mentorship.goals.all()],
                **_fields(mentorship, skip=MENTORSHIP_LINKS),
                **by_mentorship[mentorship.pk],
            }
            for mentorship in mentorships
        ],
        "programmes": [
            {
                "programme": e.program.name,
                "role": e.role,
                "source": e.source,
                "joined_at": _plain(e.joined_at),
            }
            for e in Enrolment.objects.filter(user=user).select_related("program")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "subject": n.subject,
                "body": n.body,
                "created_at": _plain(n.created_at),
                "read_at": _plain(n.read_at),
                "emailed": n.send_email,
                "status": n.status,
            }
            for n in Notification.objects.filter(recipient=user, in_app=True).order_by(
                "created_at", "pk"
            )
        ],
    }


# --- Deleting an account ------------------------------------------------------------------


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete `user`'s personal data; the other side of shared history sees a former member.

    Outstanding requests are withdrawn, live mentorships end and their coming
    sessions are cancelled, and nothing more is sent to or about the person.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    pk = user.pk

    # What was waiting on them, or on someone else about them, stops here.
    open_requests = MentorshipRequest.objects.filter(
        Q(mentee=user) | Q(mentor=user), status=MentorshipRequest.Status.PENDING
    )
    open_requests.update(status=MentorshipRequest.Status.WITHDRAWN, responded_at=now)
    live = Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user), status__in=Mentorship.LIVE)
    mentorship_ids = list(live.values_list("pk", flat=True))
    Session.objects.filter(
        mentorship_id__in=mentorship_ids,
        status__in=(Session.Status.PROPOSED, Session.Status.CONFIRMED),
    ).update(status=Session.Status.CANCELLED, cancelled_at=now, cancel_reason="")
    live.update(status=Mentorship.Status.ENDED, ended_at=now, close_outcome="ended")
    _cancel_messages_about(user=user)
    Notification.objects.filter(recipient=user).delete()

    # What they wrote.
    MentorshipRequest.objects.filter(mentee=user).update(subject="", message="")
    MentorshipRequest.objects.filter(mentor=user).update(decline_note="", welcome_note="")
    RequestMessage.objects.filter(author=user).update(body="")
    CheckIn.objects.filter(author=user).update(wins="", blockers="", next_steps="")
    CheckIn.objects.filter(mentorship__mentor=user).update(mentor_comment="")
    Mentorship.objects.filter(paused_by=user).update(pause_reason="")
    Session.objects.filter(cancelled_by=user).update(cancel_reason="")
    SessionNote.objects.filter(author=user).delete()
    Reflection.objects.filter(author=user).delete()
    Goal.objects.filter(owner=user).delete()
    Persona.objects.filter(owner=user).delete()
    Enrolment.objects.filter(user=user).delete()
    PairRule.objects.filter(Q(mentee=user) | Q(mentor=user)).delete()

    # Who they were.
    profile = Profile.objects.filter(user=user).first()
    profile_id = profile.pk if profile else None
    if profile is not None:
        profile.delete()
    Profile.objects.create(user=user, is_mentee=False, is_mentor=False, accepting_mentees=False)
    addresses = {
        user.email.lower(),
        *(a.email.lower() for a in EmailAddress.objects.filter(user=user)),
    }
    BouncedAddress.objects.filter(email__in=addresses).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    _purge_history(user=user, profile_id=profile_id)
    user.email = f"former-member-{pk}@deleted.invalid"
    user.name = FORMER_MEMBER
    user.set_unusable_password()  # also ends every session: their auth hash changes
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.deleted_at = now
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    mark_profiles_changed(user_ids=[pk])


def _cancel_messages_about(*, user: User) -> None:
    """Unsent messages to others about the person's requests, mentorships, sessions and
    check-ins (a request waiting for its email, a reminder for a session that will not
    happen) are cancelled, not sent. Their keys name the object they are about."""
    requests = MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user))
    mentorships = Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
    prefixes = [f"request:{pk}:" for pk in requests.values_list("pk", flat=True)]
    prefixes += [f"mentorship:{pk}:" for pk in mentorships.values_list("pk", flat=True)]
    sessions = Session.objects.filter(mentorship__in=mentorships).values_list("pk", flat=True)
    prefixes += [f"session:{pk}:" for pk in sessions]
    checkins = CheckIn.objects.filter(mentorship__in=mentorships).values_list("pk", flat=True)
    prefixes += [f"checkin:{pk}:" for pk in checkins]
    if not prefixes:
        return
    about = Q()
    for prefix in prefixes:
        about |= Q(key__startswith=prefix)
    unsent = (Notification.Status.PENDING, Notification.Status.HELD)
    Notification.objects.filter(about, status__in=unsent).exclude(recipient=user).update(
        status=Notification.Status.CANCELLED,
        last_error="The person it was about deleted their account.",
    )


def _purge_history(*, user: User, profile_id: int | None) -> None:
    """Admin history names the person ("Changed Ana Silva"): those rows go too."""
    types = ContentType.objects.get_for_models(User, Profile)
    about = Q(content_type=types[User], object_id=str(user.pk))
    if profile_id is not None:
        about |= Q(content_type=types[Profile], object_id=str(profile_id))
    LogEntry.objects.filter(about).delete()
