"""Fields a person may not set are ignored or refused, wherever they write.

Every writable serializer and form is sent what an attacker would add: another
owner, a status, staff flags, ids and dates, someone else's capacity. What comes
back and what is stored must be what the person was allowed to say.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching import services as matching
from matching.models import Mentorship, MentorshipRequest, Program
from profiles.models import Goal, Milestone, Profile, User
from sessions_app.models import CheckIn, Session
from tests.matching.inbox_world import World, build
from tests.matching.test_pages_compose import GOOD
from tests.profiles.test_pages_profile import _edit_data

pytestmark = pytest.mark.django_db

HOSTILE = {
    "id": 9999,
    "owner": None,  # filled with Dee's id
    "user": None,
    "mentee": None,
    "mentor": None,
    "author": None,
    "status": "accepted",
    "is_staff": True,
    "is_superuser": True,
    "is_active": False,
    "email": "taken@example.org",
    "created_at": "2001-01-01T00:00:00Z",
    "achieved_at": "2001-01-01T00:00:00Z",
    "onboarding_completed_at": "2001-01-01T00:00:00Z",
    "match_run": 1,
    "source": "admin",
}


@pytest.fixture
def world(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> World:
    return build(mentee_ana, mentor_ben, stranger_dee)


def hostile(world: World, **fields: object) -> dict[str, object]:
    extra = {k: (world.dee.pk if v is None else v) for k, v in HOSTILE.items()}
    return {**extra, **fields}


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_me_keeps_email_staff_flags_and_dates(world: World) -> None:
    response = api(world.ana).patch(
        "/api/v1/me/",
        hostile(world, name="Ana S.", profile={"headline": "Data", **HOSTILE, "user": 1}),
        format="json",
    )
    assert response.status_code == 200, response.content
    ana = User.objects.get(pk=world.ana.pk)
    assert (ana.name, ana.email) == ("Ana S.", "ana@example.org")
    assert not ana.is_staff
    assert not ana.is_superuser
    assert ana.is_active
    profile = Profile.objects.get(user=ana)
    assert profile.headline == "Data"
    assert profile.onboarding_completed_at is None or profile.onboarding_completed_at.year > 2001
    assert Profile.objects.filter(user=world.dee).get().headline == ""


def test_a_goal_and_its_milestones_belong_to_the_person_writing_them(world: World) -> None:
    client = api(world.ana)
    # A goal's status is its owner's to set, among its choices; not a request's.
    refused = client.post("/api/v1/goals/", hostile(world, title="Lead a guild"), format="json")
    assert refused.status_code == 400
    assert "status" in refused.json()
    created = client.post(
        "/api/v1/goals/", hostile(world, title="Lead a guild", status="active"), format="json"
    )
    assert created.status_code == 201, created.content
    goal = Goal.objects.get(pk=created.json()["id"])
    assert goal.owner == world.ana
    assert goal.pk != 9999
    assert goal.achieved_at is None
    assert goal.created_at.year > 2001
    # Someone else's goal as the milestone's goal: the URL's goal wins.
    dees = Goal.objects.create(owner=world.dee, title="Dee's goal")
    made = client.post(
        f"/api/v1/goals/{goal.pk}/milestones/",
        {"title": "Pick a topic", "goal": dees.pk, "done_at": "2001-01-01T00:00:00Z"},
        format="json",
    )
    assert made.status_code == 201, made.content
    milestone = Milestone.objects.get(pk=made.json()["id"])
    assert milestone.goal == goal
    assert milestone.done_at is None
    assert not dees.milestones.exists()
    moved = client.patch(
        f"/api/v1/goals/{goal.pk}/",
        hostile(world, title="Lead a guild, kindly", status="active"),
        format="json",
    )
    assert moved.status_code == 200, moved.content
    goal.refresh_from_db()
    assert goal.owner == world.ana
    assert goal.title == "Lead a guild, kindly"


def test_a_request_is_the_senders_and_starts_pending(world: World) -> None:
    MentorshipRequest.objects.all().delete()
    response = api(world.ana).post(
        "/api/v1/requests/",
        hostile(
            world,
            mentor=world.ben.pk,
            subject="Your talk on data",
            message="Hi Ben, could we talk for 20 minutes about moving into data?",
            declined_reason="busy",
            accepted_at="2001-01-01T00:00:00Z",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    request = MentorshipRequest.objects.get()
    assert request.mentee == world.ana
    assert request.mentor == world.ben
    assert request.status == MentorshipRequest.Status.PENDING
    assert request.match_run_id is None
    assert not Mentorship.objects.exists()


def test_accepting_does_not_change_the_mentors_capacity_or_anyone_elses(world: World) -> None:
    before = {p.user_id: p.capacity for p in Profile.objects.all()}
    response = api(world.ben).post(
        f"/api/v1/requests/{world.request.pk}/accept/",
        {"welcome_note": "Welcome!", "capacity": 99, "mentee": world.dee.pk, "status": "ended"},
        format="json",
    )
    assert response.status_code == 201, response.content
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentee, mentorship.mentor) == (world.ana, world.ben)
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert {p.user_id: p.capacity for p in Profile.objects.all()} == before


def test_a_mentor_cannot_write_to_another_mentors_profile_through_the_api(world: World) -> None:
    client = api(world.dee)
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/mentors/{world.ben.pk}/", {"capacity": 0}, format="json"
        )
        assert response.status_code == 405, method
    assert Profile.objects.get(user=world.ben).capacity > 0


def test_a_check_in_and_a_session_are_written_as_the_caller(world: World) -> None:
    mentorship = matching.accept_request(mentor=world.ben, request_id=world.request.pk)
    checkin = api(world.ana).post(
        "/api/v1/checkins/",
        hostile(world, mentorship=mentorship.pk, progress=4, wins="Shipped it"),
        format="json",
    )
    assert checkin.status_code == 201, checkin.content
    stored = CheckIn.objects.get()
    assert stored.author == world.ana
    assert stored.acknowledged_at is None
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    session = api(world.ben).post(
        "/api/v1/sessions/",
        hostile(
            world,
            mentorship=mentorship.pk,
            starts=[start.isoformat()],
            duration_minutes=30,
            status="confirmed",
            proposed_by=world.ana.pk,
            starts_at=start.isoformat(),
        ),
        format="json",
    )
    assert session.status_code == 201, session.content
    booked = Session.objects.get()
    assert booked.proposed_by == world.ben
    assert booked.status == Session.Status.PROPOSED
    assert booked.starts_at is None


def test_joining_a_programme_by_code_does_not_choose_its_source(world: World) -> None:
    program = Program.objects.create(name="Spring", slug="spring", enrolment_open=True)
    response = api(world.dee).post(
        "/api/v1/programs/join/",
        {"code": program.invite_code, "role": "mentor", "source": "admin", "program": 12345},
        format="json",
    )
    assert response.status_code in (200, 201), response.content
    enrolment = program.enrolments.get(user=world.dee)
    assert enrolment.source == "invite"


def test_the_profile_page_ignores_rights_and_other_people(client, world: World) -> None:
    client.force_login(world.ana)
    response = client.post(
        reverse("profiles:edit"),
        _edit_data(
            headline="Support engineer",
            is_staff="on",
            is_superuser="on",
            user=str(world.dee.pk),
            email="taken@example.org",
            onboarding_completed_at="2001-01-01",
        ),
    )
    assert response.status_code == 302
    ana = User.objects.get(pk=world.ana.pk)
    assert not ana.is_staff
    assert not ana.is_superuser
    assert ana.email == "ana@example.org"
    assert Profile.objects.get(user=ana).headline == "Support engineer"
    assert Profile.objects.get(user=world.dee).headline == ""


def test_the_goal_page_files_a_new_goal_under_its_author(client, world: World) -> None:
    client.force_login(world.ana)
    response = client.post(
        reverse("profiles:goal_create"),
        {
            "title": "Give a conference talk",
            "description": "",
            "why_it_matters": "",
            "priority": "2",
            "owner": str(world.dee.pk),
            "status": "achieved",
        },
    )
    assert response.status_code == 302, response.content
    goal = Goal.objects.get(title="Give a conference talk")
    assert goal.owner == world.ana
    assert goal.status == Goal.Status.ACTIVE


def test_the_request_form_sends_a_pending_request_from_the_signed_in_mentee(
    client, world: World
) -> None:
    MentorshipRequest.objects.all().delete()
    client.force_login(world.ana)
    response = client.post(
        reverse("matching:compose", args=[world.ben.pk]),
        {
            **GOOD,
            "action": "send",
            "mentee": str(world.dee.pk),
            "status": "accepted",
            "mentor": str(world.dee.pk),
        },
    )
    assert response.status_code == 302, response.content
    request = MentorshipRequest.objects.get()
    assert (request.mentee, request.mentor) == (world.ana, world.ben)
    assert request.status == MentorshipRequest.Status.PENDING
