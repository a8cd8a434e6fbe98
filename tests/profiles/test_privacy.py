"""Your data: a JSON copy of everything of yours, and deleting the account for good."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from matching import services as matching
from matching.models import Mentorship, MentorshipRequest
from mentorship.notifications.models import BouncedAddress, Notification
from profiles.models import Goal, Persona, Profile, User
from sessions_app.models import CheckIn, Session, SessionNote
from sessions_app.services import checkins
from sessions_app.services import sessions as sessions_services
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.matching.inbox_world import World, build, send
from tests.sessions.sessions_world import confirm_first, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> World:
    return build(mentee_ana, mentor_ben, stranger_dee)


@pytest.fixture
def shared(world: World) -> dict[str, object]:
    """Ana and Ben in a live mentorship with a confirmed session, private notes from
    both, a check-in with Ben's comment; and Ana's open request to Dee."""
    mentorship = matching.accept_request(mentor=world.ben, request_id=world.request.pk)
    session = confirm_first(
        propose(mentorship, world.ana, timezone.now() + timedelta(days=4)), world.ben
    )
    sessions_services.save_private_note(
        user=world.ana, session_id=session.pk, body="Ana: ask about the SQL course"
    )
    sessions_services.save_private_note(
        user=world.ben, session_id=session.pk, body="Ben: she is nervous about interviews"
    )
    checkin = checkins.record_checkin(
        user=world.ana, mentorship_id=mentorship.pk, progress=4, wins="Ana's win: a first DAG"
    )
    checkins.acknowledge_checkin(
        user=world.ben, checkin_id=checkin.pk, comment="Ben's comment: well done"
    )
    open_request = send(world.ana, world.dee, subject="Dee, one question about SQL")
    return {"mentorship": mentorship, "session": session, "open_request": open_request}


def download(user: User) -> dict:  # type: ignore[type-arg]
    client = Client()
    client.force_login(user)
    response = client.get(reverse("profiles:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_export_holds_everything_of_yours(world: World, shared) -> None:
    data = download(world.ana)
    assert data["format"] == "mentorship-export/1"
    assert data["account"]["email"] == "ana@example.org"
    assert data["profile"]["headline"] == "Support engineer moving into data"
    assert data["profile"]["languages"] == [{"language": "English", "proficiency": 4}]
    assert data["mentor_persona"]["ideal_mentor"].startswith("Someone who moved")
    titles = {goal["title"] for goal in data["goals"]}
    assert "Move into a data engineering role" in titles
    assert {r["direction"] for r in data["requests"]} == {"sent"}
    assert {r["mentor"] for r in data["requests"]} == {"Ben Okafor", "Dee Stranger"}
    (mentorship,) = data["mentorships"]
    assert (mentorship["role"], mentorship["with"]) == ("mentee", "Ben Okafor")
    (session,) = mentorship["sessions"]
    assert session["my_private_note"] == "Ana: ask about the SQL course"
    (checkin,) = mentorship["checkins"]
    assert checkin["wins"] == "Ana's win: a first DAG"
    assert data["notifications"], "Ana's notifications are hers"


def test_the_export_holds_nothing_private_of_anyone_else(world: World, shared) -> None:
    for person, others in ((world.ana, ("ben",)), (world.ben, ("ana",))):
        text = json.dumps(download(person))
        for other in others:
            assert f"{other}@example.org" not in text
        assert "cal.example.org" not in text or person == world.ben  # Ben's own link
    ana = json.dumps(download(world.ana))
    assert "she is nervous" not in ana
    # His comment on her check-in reached her as a notification, which is hers; the
    # mentorship part of her file holds only her own words.
    assert "Ben's comment" not in json.dumps(download(world.ana)["mentorships"])
    ben = json.dumps(download(world.ben))
    assert "ask about the SQL course" not in ben
    assert "Ana's win" not in json.dumps(download(world.ben)["mentorships"])
    assert "Ben's comment: well done" in ben
    # Dee, who shares nothing with them, gets only the request addressed to her.
    dee = download(world.dee)
    assert dee["mentorships"] == []
    assert [r["direction"] for r in dee["requests"]] == ["received"]


def test_the_api_gives_the_same_export_and_nobody_elses(world: World, shared) -> None:
    client = APIClient()
    assert client.get("/api/v1/me/export/").status_code == 401
    client.force_authenticate(world.ben)
    data = client.get("/api/v1/me/export/").json()
    assert data["account"]["email"] == "ben@example.org"
    assert [m["role"] for m in data["mentorships"]] == ["mentor"]


def test_the_data_page_offers_both(client, world: World) -> None:
    client.force_login(world.ana)
    html = client.get(reverse("profiles:data")).content.decode()
    assert reverse("profiles:data_export") in html
    assert reverse("profiles:delete_account") in html
    assert "Your data" in client.get(reverse("account_email")).content.decode()


def _reauthenticated(user: User) -> Client:
    client = Client()
    client.force_login(user)
    asked = client.get(reverse("profiles:delete_account"))
    assert asked.status_code == 302
    assert reverse("account_reauthenticate") in asked["Location"]
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def test_deleting_asks_for_the_password_again_then_the_word_delete(world: World) -> None:
    client = _reauthenticated(world.ana)
    page = client.get(reverse("profiles:delete_account"))
    assert page.status_code == 200
    wrong = client.post(reverse("profiles:delete_account"), {"confirm": "delet"})
    assert wrong.status_code == 200
    html = wrong.content.decode()
    assert "Type the word DELETE" in html
    assert 'value="delet"' in html
    assert User.objects.get(pk=world.ana.pk).deleted_at is None


def test_deleting_an_account_takes_the_person_away_and_leaves_a_former_member(
    world: World, shared, mailoutbox
) -> None:
    ana_pk, profile_pk = world.ana.pk, Profile.objects.get(user=world.ana).pk
    LogEntry.objects.log_actions(
        user_id=UserFactory(email="boss@example.org", is_staff=True).pk,
        queryset=[world.ana],
        action_flag=CHANGE,
        change_message="Changed name.",
        single_object=True,
    )
    Token.objects.create(user=world.ana)
    BouncedAddress.objects.create(email="ana@example.org", reason="550 mailbox full")
    # Ben's email about Ana's open request to Dee has not gone out yet.
    open_request = shared["open_request"]
    waiting = Notification.objects.filter(recipient=world.dee, key__startswith="request:")
    waiting.update(status=Notification.Status.PENDING)

    client = _reauthenticated(world.ana)
    done = client.post(reverse("profiles:delete_account"), {"confirm": "delete"})
    assert done.status_code == 302
    assert done["Location"] == reverse("home")
    assert client.get(reverse("dashboard")).status_code == 302  # logged out

    ana = User.objects.get(pk=ana_pk)
    assert ana.deleted_at is not None
    assert not ana.is_active
    assert not ana.has_usable_password()
    assert "ana" not in ana.email
    assert ana.display_name == ana.get_short_name() == "A former member"
    # Her words and her profile are gone.
    assert not Goal.objects.filter(owner_id=ana_pk).exists()
    assert not Persona.objects.filter(owner_id=ana_pk).exists()
    assert not SessionNote.objects.filter(author_id=ana_pk).exists()
    assert not Notification.objects.filter(recipient_id=ana_pk).exists()
    assert not Token.objects.filter(user_id=ana_pk).exists()
    assert not BouncedAddress.objects.exists()  # her address is personal data too
    assert Profile.objects.get(user_id=ana_pk).headline == ""
    assert not Profile.objects.filter(pk=profile_pk).exists()
    assert CheckIn.objects.get().wins == ""
    assert set(MentorshipRequest.objects.values_list("message", flat=True)) == {""}
    content_type = ContentType.objects.get_for_model(User)
    assert not LogEntry.objects.filter(content_type=content_type, object_id=str(ana_pk)).exists()
    # What waited on her stops; nothing more goes out about her.
    open_request.refresh_from_db()
    assert open_request.status == MentorshipRequest.Status.WITHDRAWN
    mentorship = Mentorship.objects.get(pk=shared["mentorship"].pk)
    assert mentorship.status == Mentorship.Status.ENDED
    assert Session.objects.get().status == Session.Status.CANCELLED
    assert set(waiting.values_list("status", flat=True)) == {Notification.Status.CANCELLED}
    # Ben keeps his own note and his history, with a former member in it.
    assert SessionNote.objects.filter(author=world.ben).exists()
    ben = Client()
    ben.force_login(world.ben)
    page = ben.get(reverse("matching:mentorship", args=[mentorship.pk])).content.decode()
    assert "A former member" in page
    assert "Your mentee has left" in page
    assert "Ana" not in page
    assert reverse("profiles:public", args=[ana_pk]) not in page  # nothing to link to
    assert "How to reach each other" not in page
    assert ben.get(reverse("profiles:public", args=[ana_pk])).status_code == 404
    # The address is free: she may join again one day.
    again = Client().post(
        reverse("account_signup"),
        {
            "name": "Ana",
            "email": "ana@example.org",
            "password1": "a brand new long passphrase",
            "password2": "a brand new long passphrase",
        },
    )
    assert again.status_code == 302
    assert User.objects.filter(email="ana@example.org").exists()


def test_the_api_deletes_after_the_password_and_the_token_stops_working(world: World) -> None:
    token = Token.objects.create(user=world.ben)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    wrong = client.post("/api/v1/me/delete/", {"password": "nope", "confirm": "DELETE"})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "wrong_password"
    unconfirmed = client.post("/api/v1/me/delete/", {"password": PASSWORD, "confirm": "yes"})
    assert unconfirmed.status_code == 400
    assert User.objects.get(pk=world.ben.pk).deleted_at is None
    done = client.post("/api/v1/me/delete/", {"password": PASSWORD, "confirm": "DELETE"})
    assert done.status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    # Ana's request to him was withdrawn; she can still browse, he is no longer listed.
    assert MentorshipRequest.objects.get().status == MentorshipRequest.Status.WITHDRAWN
    ana = APIClient()
    ana.force_authenticate(world.ana)
    listed = [m["id"] for m in ana.get("/api/v1/mentors/").json()["results"]]
    assert world.ben.pk not in listed
