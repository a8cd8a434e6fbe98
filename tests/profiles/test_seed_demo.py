from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from profiles.availability import (
    Window,
    is_valid_time_zone,
    shared_hours,
    week_start_for,
    window_problems,
)
from profiles.models import (
    AvailabilityWindow,
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


@pytest.fixture(autouse=True)
def _debug(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True  # demo data is for local runs (`make run` sets DEBUG)


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_named_and_generated_accounts(db):
    output = _seed("--mentors", "3", "--mentees", "4", "--seed", "7")

    emails = set(User.objects.values_list("email", flat=True))
    assert {
        "admin@example.com",
        "mentee@example.com",
        "mentor@example.com",
        "mentor1@example.com",
        "mentor3@example.com",
        "mentee1@example.com",
        "mentee4@example.com",
    } <= emails
    assert len(emails) == 11  # with coordinator@
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff
    assert admin.is_superuser
    assert not User.objects.get(email="mentee@example.com").is_staff
    assert User.objects.get(email="mentor2@example.com").check_password("mentorship-demo")
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 11
    assert "password: mentorship-demo" in output
    assert "mentor1@example.com … mentor3@example.com" in output


def test_the_same_seed_gives_the_same_people(db):
    _seed("--mentors", "5", "--mentees", "5", "--seed", "42")
    first = list(User.objects.order_by("email").values_list("email", "name"))
    User.objects.all().delete()

    _seed("--mentors", "5", "--mentees", "5", "--seed", "42")

    assert list(User.objects.order_by("email").values_list("email", "name")) == first


def test_seed_demo_is_idempotent_and_if_empty_skips(db):
    _seed("--mentors", "2", "--mentees", "2")
    assert "Created 0 demo accounts" in _seed("--mentors", "2", "--mentees", "2")

    output = _seed("--if-empty", "--mentors", "9")

    assert "demo data not loaded again" in output
    assert User.objects.count() == 8
    assert "admin@example.com" in output  # the accounts are still printed


def test_seed_demo_adds_a_program_admin_who_is_not_a_superuser(db):
    output = _seed("--mentors", "0", "--mentees", "0")
    coordinator = User.objects.get(email="coordinator@example.com")
    assert (coordinator.is_staff, coordinator.is_superuser) == (True, False)
    assert list(coordinator.groups.values_list("name", flat=True)) == ["Program admin"]
    assert coordinator.check_password("mentorship-demo")
    assert "coordinator@example.com" in output


def test_seed_demo_logs_in(client, db):
    _seed("--mentors", "0", "--mentees", "0")

    response = client.post(
        "/accounts/login/", {"login": "mentee@example.com", "password": "mentorship-demo"}
    )

    assert response.status_code == 302


def test_seed_demo_refuses_negative_counts(db):
    with pytest.raises(CommandError, match="0 or more"):
        _seed("--mentors", "-1")


def test_seed_demo_refuses_production_unless_asked(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        _seed()
    assert not User.objects.exists()

    _seed("--allow-production", "--mentors", "0", "--mentees", "0")
    assert User.objects.count() == 4


# --- Generated people -------------------------------------------------------------


def _windows(profile: Profile) -> list[Window]:
    return [Window(w.weekday, w.start_minute, w.end_minute) for w in profile.availability.all()]


def test_the_named_mentee_and_mentor_are_a_good_match(db):
    _seed("--mentors", "0", "--mentees", "0")
    mentee = Profile.objects.get(user__email="mentee@example.com")
    mentor = Profile.objects.get(user__email="mentor@example.com")
    persona = Persona.objects.get(owner__email="mentee@example.com")

    assert mentee.is_mentee
    assert mentor.is_mentor
    assert mentor.accepting_mentees
    assert mentor.capacity >= 1
    week = week_start_for(timezone.now())
    shared = shared_hours(
        _windows(mentee), mentee.time_zone, _windows(mentor), mentor.time_zone, week
    )
    assert shared >= 3
    assert shared >= persona.min_shared_hours
    mentee_languages = {pl.language.code for pl in mentee.languages.all()}
    mentor_languages = {pl.language.code for pl in mentor.languages.all()}
    assert mentee_languages & mentor_languages & {lang.code for lang in persona.languages.all()}
    must = {ps.skill_id for ps in persona.skills.filter(importance=PersonaSkill.Importance.MUST)}
    assert must
    assert must <= {e.skill_id for e in mentor.expertise.all()}
    assert mentee.industry_id == mentor.industry_id
    assert mentor.industry in persona.industries.all()
    assert persona.industries.filter(pk__in=mentor.mentor_industries.all()).exists()
    assert mentor.years_experience >= persona.min_years_experience
    assert mentor.seniority >= persona.seniority
    assert Goal.objects.filter(owner=mentee.user, skills__in=must).exists()


def test_generated_people_are_varied_and_valid(db):
    _seed("--mentors", "40", "--mentees", "60", "--seed", "3")
    profiles = list(Profile.objects.prefetch_related("availability", "languages"))
    today = timezone.localdate()

    assert len(profiles) == 103
    assert len({p.time_zone for p in profiles}) >= 15
    assert {"Asia/Kathmandu", "Asia/Kolkata"} & {p.time_zone for p in profiles}
    used = set(ProfileLanguage.objects.values_list("language__code", flat=True))
    assert len(used) >= 8
    assert "en" in used
    without_english = [
        p for p in profiles if "en" not in {pl.language.code for pl in p.languages.all()}
    ]
    assert without_english  # common, not universal
    for profile in profiles:
        assert is_valid_time_zone(profile.time_zone)
        assert 1 <= len(profile.languages.all()) <= 3
        windows = _windows(profile)
        if profile.user.email != "admin@example.com":
            assert 2 <= len(windows) <= 6
        assert window_problems(windows) == [], profile.user.email
        if profile.is_mentor:
            assert 1 <= profile.capacity <= 5
            assert 3 <= profile.expertise.count() <= 8
            assert profile.how_i_can_help
        assert len(profile.headline) <= 140

    mentors = [p for p in profiles if p.is_mentor]
    assert any(p.is_mentee for p in mentors)  # some people are both
    assert any(not p.accepting_mentees for p in mentors)  # a few are full or paused
    assert all(p.paused_until is None or p.paused_until > today for p in mentors)
    assert not Goal.objects.filter(target_date__lt=today).exists()
    assert Milestone.objects.filter(done_at__isnull=False).exists()
    assert Milestone.objects.filter(done_at__isnull=True).exists()
    assert not Milestone.objects.filter(due_date__lt=today).exists()
    for profile in profiles:
        if not profile.is_mentee:
            continue
        goals = Goal.objects.filter(owner_id=profile.user_id)
        assert 1 <= goals.count() <= 3
        persona = Persona.objects.get(owner_id=profile.user_id)
        must = set(persona.skills.filter(importance="must").values_list("skill_id", flat=True))
        assert must
        assert must <= set(goals.values_list("skills", flat=True))
        assert persona.languages.exists()
        assert persona.ideal_mentor
    assert Skill.objects.count() >= 60
    assert Profile.objects.filter(is_mentor=True).values("industry").distinct().count() >= 5


def _digest() -> str:
    rows = [
        *Profile.objects.order_by("user__email").values_list(
            "user__email", "user__name", "headline", "bio", "time_zone", "current_role",
            "organisation", "industry__name", "years_experience", "seniority", "traits",
            "formats", "capacity", "accepting_mentees", "how_i_can_help",
        ),
        *ProfileLanguage.objects.order_by("profile__user__email", "language__code").values_list(
            "profile__user__email", "language__code", "proficiency"
        ),
        *Expertise.objects.order_by("profile__user__email", "skill__name").values_list(
            "profile__user__email", "skill__name", "level"
        ),
        *AvailabilityWindow.objects.order_by(
            "profile__user__email", "weekday", "start_minute"
        ).values_list("profile__user__email", "weekday", "start_minute", "end_minute"),
        *Goal.objects.order_by("owner__email", "title").values_list(
            "owner__email", "title", "target_date", "priority", "status"
        ),
        *(
            (email, title, due, done_at is None)
            for email, title, due, done_at in Milestone.objects.order_by(
                "goal__owner__email", "goal__title", "title"
            ).values_list("goal__owner__email", "title", "due_date", "done_at")
        ),
        *PersonaSkill.objects.order_by("persona__owner__email", "skill__name").values_list(
            "persona__owner__email", "skill__name", "importance"
        ),
    ]  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_seed_gives_identical_data_and_another_seed_does_not(db):
    _seed("--mentors", "15", "--mentees", "15", "--seed", "42")
    first = _digest()
    User.objects.all().delete()

    _seed("--mentors", "15", "--mentees", "15", "--seed", "42")
    assert _digest() == first

    User.objects.all().delete()
    _seed("--mentors", "15", "--mentees", "15", "--seed", "43")
    assert _digest() != first


def test_a_second_run_adds_nothing(db):
    _seed("--mentors", "5", "--mentees", "5")
    counts = (Profile.objects.count(), Goal.objects.count(), AvailabilityWindow.objects.count())

    assert "Created 0 demo accounts" in _seed("--mentors", "5", "--mentees", "5")
    assert (
        Profile.objects.count(),
        Goal.objects.count(),
        AvailabilityWindow.objects.count(),
    ) == counts


def test_more_people_add_no_query_per_person(db):
    def queries_for(mentors: int, mentees: int) -> int:
        User.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            _seed("--mentors", str(mentors), "--mentees", str(mentees))
        return len(captured)

    few = queries_for(20, 20)
    many = queries_for(60, 60)

    # About 30 statements either way, plus the coordinator and the demo cohort (a
    # few each); SQLite splits a bulk insert at 999 parameters (about 40 profiles),
    # which adds a handful for the bigger run.
    assert many <= few + 8, (few, many)
    assert many < 66


def test_mentor_at_example_com_already_mentors_someone_with_a_rhythm_to_show(client, db):
    from matching.models import Mentorship
    from sessions_app.models import Session

    _seed("--mentors", "1", "--mentees", "40", "--seed", "1")
    _seed("--mentors", "1", "--mentees", "40", "--seed", "1")

    [mentorship] = Mentorship.objects.all()
    assert mentorship.mentor.email == "mentor@example.com"
    assert mentorship.mentee.email.startswith("mentee")
    # Another time zone, and free hours in common: proposing a session has suggestions.
    assert mentorship.mentor.profile.time_zone != mentorship.mentee.profile.time_zone
    client.force_login(mentorship.mentor)
    page = client.get(reverse("sessions_app:session_new", args=[mentorship.pk]))
    assert 'name="suggested"' in page.content.decode()
    assert mentorship.agreement_confirmed
    statuses = sorted(mentorship.sessions.values_list("status", flat=True))
    assert statuses == [Session.Status.COMPLETED, Session.Status.CONFIRMED]
    assert mentorship.checkins.count() == 1
    # The well-matched pair people try first is left free to meet through a request.
    assert not Mentorship.objects.filter(mentee__email="mentee@example.com").exists()
