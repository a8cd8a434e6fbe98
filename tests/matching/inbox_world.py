"""People for the inbox and mentorship page tests: Ana writes to Ben about a goal."""

from __future__ import annotations

from dataclasses import dataclass

from matching import services
from matching.models import MentorshipRequest
from profiles.availability import Window
from profiles.models import Goal, User
from tests.factories import GoalFactory, MilestoneFactory
from tests.matching.people import language, person, persona, skill, tuesday_evening


@dataclass
class World:
    ana: User
    ben: User
    dee: User
    goal: Goal
    request: MentorshipRequest


def build(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> World:
    english = language("en", "English")
    python, sql = skill("Python"), skill("SQL")
    ana = person(
        "ana@example.org",
        user=mentee_ana,
        mentee=True,
        languages=[(english, 4)],
        windows=tuesday_evening(),
        headline="Support engineer moving into data",
        seniority=2,
    )
    persona(
        ana,
        must=(python,),
        nice=(sql,),
        traits=["encouraging"],
        ideal_mentor="Someone who moved from support into engineering.",
    )
    ben = person(
        "ben@example.org",
        user=mentor_ben,
        mentor=True,
        zone="Europe/Berlin",
        languages=[(english, 3)],
        expertise=[(python, 5), (sql, 4)],
        windows=[Window(1, 19 * 60, 21 * 60)],
        traits=["encouraging"],
        headline="Staff engineer, payments",
        session_minutes=30,
        session_frequency="ad_hoc",
        contact_links=["https://cal.example.org/ben", "mailto:ben@example.org"],
    )
    dee = person("dee@example.org", user=stranger_dee, mentor=True, languages=[(english, 4)])
    goal = GoalFactory(owner=ana, title="Move into a data engineering role")
    MilestoneFactory(goal=goal, title="Finish the SQL course")
    GoalFactory(owner=ana, title="Speak at a meetup")
    request = send(ana, ben, goal=goal)
    return World(ana, ben, dee, goal, request)


def send(mentee: User, mentor: User, **fields: object) -> MentorshipRequest:
    return services.send_request(
        mentee=mentee,
        mentor_id=mentor.pk,
        subject=str(fields.pop("subject", "Your talk on moving from support to data")),
        message=str(
            fields.pop(
                "message",
                "Hi Ben, your talk on payments pipelines stayed with me. I work in support "
                "and want to move into data engineering. Could we talk for 20 minutes?",
            )
        ),
        **fields,  # type: ignore[arg-type]
    )
