"""The staff reports page: every figure on a fixture built to known numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from matching.models import Enrolment, Mentorship, MentorshipRequest, Program
from matching.reports import ReportFilters, build_report
from mentorship.notifications.models import Notification
from profiles.models import Goal, User
from profiles.services import ensure_profile
from sessions_app.models import CheckIn, Session
from tests.factories import UserFactory

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
# The default range: the 90 days up to today.
START, END = date(2026, 4, 2), date(2026, 6, 30)


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _person(email: str, *, mentee: bool = False, mentor: bool = False) -> User:
    user = UserFactory(email=email, name=email.split("@")[0].title() + " Example")
    profile = ensure_profile(user=user)
    profile.is_mentee, profile.is_mentor = mentee, mentor
    profile.save(update_fields=["is_mentee", "is_mentor"])
    User.objects.filter(pk=user.pk).update(date_joined=NOW - timedelta(days=200))
    return user


def _enrol(program: Program, user: User, role: str, joined: datetime) -> None:
    enrolment = Enrolment.objects.create(program=program, user=user, role=role)
    Enrolment.objects.filter(pk=enrolment.pk).update(joined_at=joined)


def _mentorship(
    mentee: User, mentor: User, program: Program | None, started: datetime, frequency: str
) -> Mentorship:
    mentorship = Mentorship.objects.create(
        mentee=mentee, mentor=mentor, program=program, frequency=frequency
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started)
    mentorship.refresh_from_db()
    return mentorship


def _request(
    mentee: User,
    mentor: User,
    program: Program | None,
    status: str,
    hours: float | None,
    created: datetime,
) -> None:
    request = MentorshipRequest.objects.create(
        mentee=mentee, mentor=mentor, program=program, subject="Hello", message="Hi", status=status
    )
    responded = created + timedelta(hours=hours) if hours is not None else None
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=created, responded_at=responded
    )


def _session(
    mentorship: Mentorship, starts: datetime, status: str = Session.Status.COMPLETED
) -> None:
    Session.objects.create(mentorship=mentorship, status=status, starts_at=starts)


def _checkins(mentorship: Mentorship, *moments: datetime) -> None:
    for moment in moments:
        CheckIn.objects.create(
            mentorship=mentorship, author=mentorship.mentee, progress=4, created_at=moment
        )


@pytest.fixture
def world(db: None, clock: None) -> dict[str, object]:
    """Programme P: four mentees (two matched), two mentors, and one pair outside P."""
    program = Program.objects.create(name="Spring cohort", slug="spring")
    ana, bo, cy, dee = (
        _person(f"{n}@example.org", mentee=True) for n in ("ana", "bo", "cy", "dee")
    )
    ben, max_ = (_person(f"{n}@example.org", mentor=True) for n in ("ben", "max"))
    _enrol(program, ana, "mentee", NOW - timedelta(days=30))  # matched 2 days later
    _enrol(program, bo, "mentee", NOW - timedelta(days=20))  # matched 6 days later
    _enrol(program, cy, "mentee", NOW - timedelta(days=20))
    _enrol(program, dee, "mentee", NOW - timedelta(days=5))
    _enrol(program, ben, "mentor", NOW - timedelta(days=40))
    _enrol(program, max_, "mentor", NOW - timedelta(days=40))
    # Weekly from 2 June: due 9, 16, 23 and 30 June (4); three written.
    m1 = _mentorship(ana, ben, program, NOW - timedelta(days=28), "weekly")
    _checkins(m1, *(NOW - timedelta(days=d) for d in (20, 13, 6)))
    # Fortnightly from 16 June: due 30 June (1); two written, one counts.
    m2 = _mentorship(bo, max_, program, NOW - timedelta(days=14), "fortnightly")
    _checkins(m2, NOW - timedelta(days=3), NOW - timedelta(days=1))
    _session(m1, NOW - timedelta(days=25))
    _session(m1, NOW - timedelta(days=11))
    _session(m2, NOW - timedelta(days=7))
    _session(m2, NOW - timedelta(days=2), Session.Status.CANCELLED)  # does not count
    _session(m1, NOW - timedelta(days=120))  # before the range
    # Requests in P: accepted after 10 h and 20 h, declined after 30 h, one expired, one waiting.
    _request(ana, ben, program, "accepted", 10, NOW - timedelta(days=30))
    _request(bo, max_, program, "accepted", 20, NOW - timedelta(days=20))
    _request(cy, ben, program, "declined", 30, NOW - timedelta(days=10))
    _request(cy, max_, program, "expired", None, NOW - timedelta(days=40))
    _request(dee, ben, program, "pending", None, NOW - timedelta(days=1))
    _request(dee, max_, program, "accepted", 5, NOW - timedelta(days=200))  # before the range
    # Goals of P's mentees: two achieved of four not dropped (a dropped one is left out).
    Goal.objects.create(owner=ana, title="Lead a team", status=Goal.Status.ACHIEVED)
    Goal.objects.create(owner=ana, title="Public speaking")
    Goal.objects.create(owner=bo, title="Learn SQL", status=Goal.Status.ACHIEVED)
    Goal.objects.create(owner=cy, title="Switch roles")
    Goal.objects.create(owner=cy, title="Old idea", status=Goal.Status.DROPPED)
    # Outside P: a pair with no programme, and its request.
    outsider = _person("olu@example.org", mentee=True)
    m3 = _mentorship(outsider, ben, None, NOW - timedelta(days=3), "weekly")
    _request(outsider, ben, None, "accepted", 40, NOW - timedelta(days=4))
    return {"program": program, "m1": m1, "m2": m2, "m3": m3, "ana": ana}


def _figures(filters: ReportFilters) -> dict[str, object]:
    report = build_report(filters=filters, now=NOW)
    return {figure.key: figure.value for figure in report.figures}


def test_the_programme_figures_are_the_known_numbers(world: dict[str, object]) -> None:
    program = world["program"]
    assert isinstance(program, Program)
    figures = _figures(ReportFilters(program, START, END))
    assert figures["match_rate"] == pytest.approx(2 / 4)
    assert figures["time_to_match"] == pytest.approx(4.0)  # median of 2 and 6 days
    assert figures["acceptance_rate"] == pytest.approx(2 / 3)
    assert figures["response_time"] == pytest.approx(20.0)  # median of 10, 20, 30 h
    assert figures["expired_requests"] == 1
    assert figures["active_mentorships"] == 2
    assert figures["new_mentorships"] == 2
    assert figures["sessions_per_pair"] == pytest.approx(3 / 2)
    assert figures["checkin_completion"] == pytest.approx(4 / 5)
    assert figures["goal_completion"] == pytest.approx(2 / 4)


def test_all_programmes_count_the_pair_outside_too(world: dict[str, object]) -> None:
    figures = _figures(ReportFilters(None, START, END))
    assert figures["active_mentorships"] == 3
    assert figures["match_rate"] == pytest.approx(3 / 5)
    assert figures["acceptance_rate"] == pytest.approx(3 / 4)
    assert figures["response_time"] == pytest.approx(25.0)  # median of 10, 20, 30, 40 h


def test_a_narrower_range_changes_the_figures(world: dict[str, object]) -> None:
    program = world["program"]
    assert isinstance(program, Program)
    # The last 7 days: only m2's session on day -7 and no new mentorships.
    last_week = ReportFilters(program, date(2026, 6, 23), END)
    figures = _figures(last_week)
    assert figures["new_mentorships"] == 0
    assert figures["sessions_per_pair"] == pytest.approx(1 / 2)
    assert figures["acceptance_rate"] is None  # no request answered that was sent then
    report = build_report(filters=last_week, now=NOW)
    assert [bar.value for bar in report.weekly] == [0, 0]


def test_the_week_chart_counts_new_mentorships_per_week(world: dict[str, object]) -> None:
    program = world["program"]
    assert isinstance(program, Program)
    report = build_report(filters=ReportFilters(program, date(2026, 6, 1), END), now=NOW)
    weeks = {bar.key: bar.value for bar in report.weekly}
    assert weeks == {
        "2026-06-01": 1,  # m1 on Tuesday 2 June
        "2026-06-08": 0,
        "2026-06-15": 1,  # m2 on Tuesday 16 June
        "2026-06-22": 0,
        "2026-06-29": 0,
    }


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(email="coordinator@example.org", name="Cora Coordinator", is_staff=True)


def test_the_page_shows_the_figures_for_staff(
    world: dict[str, object], staff: User, client: Client, django_assert_num_queries
) -> None:
    client.force_login(staff)
    url = reverse("reports") + "?program=spring&start=2026-04-02&end=2026-06-30"
    client.get(url)  # warm the session and the content types
    # session, user; the chosen programme; requests by status, answered requests;
    # match rate; time to match (enrolments, first mentorships); live count, new
    # count, check-in rows, sessions, goals; weekly chart; health (live pairs and
    # their 2 fact queries); the navigation's 2 counts; the programme select's options.
    # (No pair is at risk here, so no "nudged today" query.)
    with django_assert_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Spring cohort" in page
    assert "50%" in page
    assert "2 of 4 mentees" in page
    assert "80%" in page
    assert "4 of 5 due" in page
    assert "<svg" in page
    assert "New mentorships per week" in page


def test_the_query_count_does_not_grow_with_the_pairs(
    world: dict[str, object], staff: User, client: Client, django_assert_max_num_queries
) -> None:
    program = world["program"]
    assert isinstance(program, Program)
    for n in range(6):
        mentee = _person(f"extra{n}@example.org", mentee=True)
        _enrol(program, mentee, "mentee", NOW - timedelta(days=9))
        pair = _mentorship(mentee, world["m1"].mentor, program, NOW - timedelta(days=8), "weekly")  # type: ignore[attr-defined]
        _checkins(pair, NOW - timedelta(days=1))
    client.force_login(staff)
    url = reverse("reports") + "?program=spring"
    client.get(url)
    # The same 20, plus one for "nudged today" should a pair be at risk.
    with django_assert_max_num_queries(21):
        assert client.get(url).status_code == 200


def test_bad_dates_are_shown_with_what_was_typed(
    world: dict[str, object], staff: User, client: Client
) -> None:
    client.force_login(staff)
    response = client.get(reverse("reports"), {"start": "2026-06-30", "end": "2026-06-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The last day comes after the first." in page
    assert 'value="2026-06-30"' in page


def test_non_staff_are_refused_and_anonymous_sent_to_log_in(
    world: dict[str, object], client: Client
) -> None:
    response = client.get(reverse("reports"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(world["ana"])  # type: ignore[arg-type]
    assert client.get(reverse("reports")).status_code == 403
    assert client.get(reverse("reports_csv")).status_code == 403
    m1 = world["m1"]
    assert isinstance(m1, Mentorship)
    assert client.post(reverse("reports_nudge", args=[m1.pk])).status_code == 403
    assert not Notification.objects.filter(kind="pair_nudged").exists()


def test_the_csv_has_every_figure_and_escapes_formulas(
    world: dict[str, object], staff: User, client: Client
) -> None:
    program = world["program"]
    assert isinstance(program, Program)
    Program.objects.filter(pk=program.pk).update(name="=HYPERLINK(1)")
    client.force_login(staff)
    response = client.get(reverse("reports_csv"), {"program": "spring"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"
    values = {row[0]: row[1] for row in rows if len(row) == 5 and row[0] != "figure"}
    assert values["match_rate"] == "0.5"
    assert values["checkin_completion"] == "0.8"
    assert values["expired_requests"] == "1"


@pytest.fixture
def quiet_pair(world: dict[str, object]) -> Mentorship:
    """A pair in P that never met in 30 days: at risk."""
    program = world["program"]
    assert isinstance(program, Program)
    mentee = _person("quiet@example.org", mentee=True)
    mentor = _person("slow@example.org", mentor=True)
    return _mentorship(mentee, mentor, program, NOW - timedelta(days=30), "weekly")


def test_the_at_risk_pair_is_listed_and_nudged_once_a_day(
    quiet_pair: Mentorship, staff: User, client: Client
) -> None:
    client.force_login(staff)
    page = client.get(reverse("reports"), {"program": "spring"}).content.decode()
    assert "Quiet Example" in page
    assert "Nudge both" in page
    url = reverse("reports_nudge", args=[quiet_pair.pk])
    first = client.post(url, HTTP_HX_REQUEST="true")
    assert "Nudged today" in first.content.decode()
    second = client.post(url, HTTP_HX_REQUEST="true")
    assert "already nudged today" in second.content.decode()
    nudges = Notification.objects.filter(kind="pair_nudged")
    assert sorted(nudges.values_list("recipient_id", flat=True)) == sorted(
        [quiet_pair.mentee_id, quiet_pair.mentor_id]
    )
    # The page now says so instead of offering the button.
    page = client.get(reverse("reports"), {"program": "spring"}).content.decode()
    assert "Nudge both" not in page
    assert "Nudged today" in page
    # The next day, the pair can be nudged again.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        client.post(url)
    assert nudges.count() == 4


def test_nudging_an_ended_mentorship_says_why(
    quiet_pair: Mentorship, staff: User, client: Client
) -> None:
    Mentorship.objects.filter(pk=quiet_pair.pk).update(status="ended", ended_at=NOW)
    client.force_login(staff)
    response = client.post(reverse("reports_nudge", args=[quiet_pair.pk]), follow=True)
    assert "has ended" in response.content.decode()
    assert not Notification.objects.filter(kind="pair_nudged").exists()
    assert client.post(reverse("reports_nudge", args=[999999])).status_code == 404


def test_the_admin_index_links_to_the_reports(staff: User, client: Client) -> None:
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    client.force_login(staff)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("reports") in page
