"""A programme's worth of rows for the admin tests: `rows` of every model the admin lists.

Each row is a pair, mentee and mentor with profiles, a language, a skill and a
free evening, a goal with a milestone and a persona, the request that started
it with a message, a confirmed session with a proposed option and a private
note, a check-in, a closing reflection with a goal outcome, and a notification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from matching.models import Mentorship, MentorshipRequest, RequestMessage
from mentorship.notifications.models import BouncedAddress, Notification
from profiles.models import (
    AvailabilityWindow,
    DataClock,
    Expertise,
    Goal,
    Milestone,
    Persona,
    PersonaSkill,
    Profile,
    ProfileLanguage,
    User,
)
from sessions_app.models import (
    CheckIn,
    GoalOutcome,
    Reflection,
    Session,
    SessionNote,
    SessionOption,
)
from tests.factories import (
    IndustryFactory,
    LanguageFactory,
    SkillCategoryFactory,
    SkillFactory,
    UserFactory,
)


@dataclass
class World:
    mentorships: list[Mentorship] = field(default_factory=list)
    requests: list[MentorshipRequest] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)


def build(rows: int) -> World:
    world = World()
    now = timezone.now()
    DataClock.objects.get_or_create(pk=1)
    for n in range(rows):
        skill = SkillFactory(category=SkillCategoryFactory())
        language = LanguageFactory()
        industry = IndustryFactory()
        mentee = UserFactory(email=f"mentee{n}@example.org")
        mentor = UserFactory(email=f"mentor{n}@example.org")
        Profile.objects.create(user=mentee, is_mentee=True, industry=industry)
        profile = Profile.objects.create(user=mentor, is_mentor=True, industry=industry)
        ProfileLanguage.objects.create(profile=profile, language=language)
        Expertise.objects.create(profile=profile, skill=skill, level=4)
        AvailabilityWindow.objects.create(
            profile=profile, weekday=n % 7, start_minute=18 * 60, end_minute=20 * 60
        )
        goal = Goal.objects.create(owner=mentee, title=f"Move into product {n}")
        world.goals.append(goal)
        world.milestones.append(Milestone.objects.create(goal=goal, title=f"Shadow a PM {n}"))
        persona = Persona.objects.create(owner=mentee, ideal_mentor="Someone who made the move.")
        PersonaSkill.objects.create(persona=persona, skill=skill)
        request = MentorshipRequest.objects.create(
            mentee=mentee, mentor=mentor, goal=goal, subject=f"A question {n}", message="Hello"
        )
        world.requests.append(request)
        RequestMessage.objects.create(request=request, author=mentor, body="When suits you?")
        mentorship = Mentorship.objects.create(mentee=mentee, mentor=mentor)
        world.mentorships.append(mentorship)
        session = Session.objects.create(
            mentorship=mentorship,
            proposed_by=mentee,
            status=Session.Status.CONFIRMED,
            starts_at=now + timedelta(days=2),
        )
        SessionOption.objects.create(session=session, starts_at=now + timedelta(days=2))
        SessionNote.objects.create(session=session, author=mentee, body="Ask about the offer.")
        CheckIn.objects.create(mentorship=mentorship, author=mentee, progress=3)
        reflection = Reflection.objects.create(
            mentorship=mentorship, author=mentor, reflection="A good year."
        )
        GoalOutcome.objects.create(reflection=reflection, goal=goal, outcome="progressed")
        world.notifications.append(
            Notification.objects.create(
                key=f"test:{n}",
                recipient=mentor,
                kind="request_received",
                subject="A new request",
                body="Ana asks for 20 minutes.",
                status=Notification.Status.FAILED,
                attempts=5,
                last_error="SMTP refused",
            )
        )
        BouncedAddress.objects.create(
            email=f"gone{n}@example.org",
            reason="SMTPRecipientsRefused: 550 5.1.1 no such user",
            notification=world.notifications[-1],
        )
    return world


def staff(email: str = "coordinator@example.org", **flags: bool) -> User:
    return UserFactory(email=email, name="Cora Coordinator", is_staff=True, **flags)
