"""Bulk matching of a programme: the service, the worker, edits, publishing, the command."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from matching import services_bulk
from matching.models import (
    Enrolment,
    MatchRun,
    MatchRunPair,
    Mentorship,
    MentorshipRequest,
    PairRule,
    Program,
)
from mentorship.exceptions import Conflict
from mentorship.notifications.models import Notification
from profiles.models import User
from tests.factories import UserFactory
from tests.matching.people import language, person, persona, skill, tuesday_evening

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db: None) -> dict[str, Any]:
    """Four mentees and two mentors (capacity 2 and 1) who all speak English.

    Mentees want Python or SQL; Ben knows Python, Cara SQL. Ola speaks only
    Portuguese: no mentor is eligible for her.
    """
    english, portuguese = language("en", "English"), language("pt", "Portuguese")
    python, sql = skill("Python"), skill("SQL")
    program = Program.objects.create(
        name="Spring cohort",
        slug="spring",
        matching_mode=Program.MatchingMode.ADMIN_ASSIGNED,
        checkin_frequency="fortnightly",
    )
    ben = person(
        "ben@example.org", name="Ben Okafor", mentor=True, capacity=2,
        languages=[(english, 4)], expertise=[(python, 5)], windows=tuesday_evening(),
        organisation="Acme",
    )  # fmt: skip
    cara = person(
        "cara@example.org", name="Cara Diaz", mentor=True, capacity=1,
        languages=[(english, 4)], expertise=[(sql, 5)], windows=tuesday_evening(),
    )  # fmt: skip
    mentees = {}
    for name, wants in (("ana", python), ("bo", python), ("cyd", sql)):
        mentees[name] = person(
            f"{name}@example.org", name=f"{name.title()} Mentee", mentee=True,
            languages=[(english, 4)], windows=tuesday_evening(),
        )  # fmt: skip
        persona(mentees[name], nice=(wants,))
    mentees["ola"] = person(
        "ola@example.org", name="Ola Mentee", mentee=True, languages=[(portuguese, 4)]
    )
    for user in mentees.values():
        Enrolment.objects.create(program=program, user=user, role="mentee")
    for user in (ben, cara):
        Enrolment.objects.create(program=program, user=user, role="mentor")
    return {"program": program, "ben": ben, "cara": cara, **mentees}


def solve(program: Program, **options: Any) -> MatchRun:
    run = services_bulk.start_match_run(program=program, by=None, **options)
    assert services_bulk.solve_match_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DRAFT, run.error
    return run


def mentor_of(run: MatchRun) -> dict[str, str | None]:
    return {
        line.mentee.email.split("@")[0]: line.mentor.email.split("@")[0] if line.mentor else None
        for line in run.pairs.select_related("mentee", "mentor")
    }


def test_the_draft_pairs_by_fit_within_capacity_and_says_why_others_wait(cohort) -> None:
    run = solve(cohort["program"])
    pairs = mentor_of(run)
    assert pairs == {"ana": "ben", "bo": "ben", "cyd": "cara", "ola": None}
    ola = run.pairs.get(mentee=cohort["ola"])
    assert ola.unmatched_reason == MatchRunPair.Unmatched.NO_ELIGIBLE
    assert run.summary["matched"] == 3
    assert run.summary["no_eligible"] == 1
    assert sum(run.summary["histogram"]) == 3
    assert run.total_score == pytest.approx(
        sum(line.score for line in run.pairs.exclude(score=None))
    )
    assert run.progress == 100


def test_capacity_used_up_is_named(cohort) -> None:
    Enrolment.objects.filter(user=cohort["cara"]).delete()
    run = solve(cohort["program"])
    reasons = dict(run.pairs.values_list("mentee__email", "unmatched_reason"))
    # Ben has two places for three English speakers.
    assert sorted(reasons.values()) == ["", "", "capacity", "no_eligible"]


def test_pins_and_exclusions_are_honoured(cohort) -> None:
    program = cohort["program"]
    PairRule.objects.create(program=program, mentee=cohort["cyd"], mentor=cohort["ben"], kind="pin")
    PairRule.objects.create(
        program=program, mentee=cohort["ana"], mentor=cohort["ben"], kind="exclude"
    )
    pairs = mentor_of(solve(program))
    assert pairs["cyd"] == "ben"
    assert pairs["ana"] != "ben"


def test_same_organisation_and_previous_pairs_are_never_proposed(cohort) -> None:
    program = cohort["program"]
    person("ana@example.org", user=cohort["ana"], mentee=True, organisation=" acme ")
    Mentorship.objects.create(mentee=cohort["bo"], mentor=cohort["ben"], status="ended")
    pairs = mentor_of(solve(program))
    assert pairs["ana"] != "ben"
    assert pairs["bo"] != "ben"
    program.exclude_same_organisation = program.exclude_previous_pairs = False
    program.save()
    assert mentor_of(solve(program))["ana"] == "ben"


def test_one_active_run_per_programme_and_a_second_worker_does_nothing(cohort) -> None:
    run = services_bulk.start_match_run(program=cohort["program"], by=None)
    with pytest.raises(Conflict):
        services_bulk.start_match_run(program=cohort["program"], by=None)
    assert services_bulk.solve_match_run(run_id=run.pk)
    assert not services_bulk.solve_match_run(run_id=run.pk)
    assert MatchRunPair.objects.filter(run=run).count() == 4


def test_a_failure_is_recorded_not_lost(cohort, monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(services_bulk, "assign", broken)
    run = services_bulk.start_match_run(program=cohort["program"], by=None)
    services_bulk.solve_match_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert "solver exploded" in run.error


def test_edits_change_the_draft_and_a_rerun_keeps_them(cohort) -> None:
    admin = UserFactory(email="cora@example.org", is_staff=True)
    run = solve(cohort["program"])
    ana = run.pairs.get(mentee=cohort["ana"])
    cy = run.pairs.get(mentee=cohort["cyd"])
    services_bulk.swap_mentors(run=run, first=ana, second=cy, by=admin)
    assert mentor_of(run)["ana"] == "cara"
    assert mentor_of(run)["cyd"] == "ben"
    bo = run.pairs.get(mentee=cohort["bo"])
    services_bulk.remove_pair(run=run, pair=bo, by=admin)
    bo.refresh_from_db()
    assert bo.unmatched_reason == "removed"
    # Cara is full in the draft (capacity 1): assigning Ola to her is refused.
    ola = run.pairs.get(mentee=cohort["ola"])
    with pytest.raises(Conflict, match="no place left"):
        services_bulk.assign_pair(run=run, pair=ola, mentor=cohort["cara"], by=admin)
    run.refresh_from_db()
    assert run.summary["matched"] == 2
    rerun = services_bulk.rerun_match_run(run=run, by=admin)
    services_bulk.solve_match_run(run_id=rerun.pk)
    rerun.refresh_from_db()
    pairs = mentor_of(rerun)
    assert pairs["ana"] == "cara"  # the swap is pinned
    assert pairs["cyd"] == "ben"
    assert pairs["bo"] != "ben"  # the removed pair is excluded
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DISCARDED


def test_publishing_starts_mentorships_and_tells_each_person_once(cohort) -> None:
    admin = UserFactory(email="cora@example.org", is_staff=True)
    run = solve(cohort["program"])
    done = services_bulk.publish_match_run(run=run, by=admin)
    assert done.mentorships == 3
    mentorships = Mentorship.objects.filter(match_run=run)
    assert mentorships.count() == 3
    assert set(mentorships.values_list("frequency", flat=True)) == {"fortnightly"}
    assert set(mentorships.values_list("program", flat=True)) == {cohort["program"].pk}
    # Ben has two mentees and hears once; each mentee once.
    kinds = Notification.objects.filter(kind__startswith="match_published")
    assert kinds.filter(recipient=cohort["ben"]).count() == 1
    assert kinds.count() == 5
    with pytest.raises(Conflict, match="already published"):
        services_bulk.publish_match_run(run=run, by=admin)
    assert Mentorship.objects.filter(match_run=run).count() == 3
    assert kinds.count() == 5


def test_in_a_mentee_choice_programme_publishing_sends_introductions(cohort) -> None:
    program = cohort["program"]
    program.matching_mode = Program.MatchingMode.BOTH
    program.save()
    run = solve(program)
    done = services_bulk.publish_match_run(run=run, by=UserFactory(email="cora@example.org"))
    assert done.introductions == 3
    requests = MentorshipRequest.objects.filter(match_run=run)
    assert set(requests.values_list("status", flat=True)) == {"pending"}
    assert requests.first().subject == "An introduction from Spring cohort"  # type: ignore[union-attr]
    assert not Mentorship.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_publishing_at_once_publish_once(cohort) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    run = solve(cohort["program"])
    admin = UserFactory(email="cora@example.org", is_staff=True)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def publish() -> None:
        barrier.wait()
        try:
            services_bulk.publish_match_run(run=run, by=admin)
            outcomes.append("published")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "published"]
    assert Mentorship.objects.filter(match_run=run).count() == 3


# --- The admin -------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client: Client, admin_cy: User) -> Client:
    client.force_login(admin_cy)
    return client


def test_an_admin_starts_reviews_edits_and_publishes(
    cohort, staff_client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    # The worker's task runs inline here (a real worker runs it in `make run`).
    monkeypatch.setattr(
        services_bulk, "_enqueue", lambda run_id: services_bulk.solve_match_run(run_id=run_id)
    )
    program = cohort["program"]
    start = reverse("admin:matching_matchrun_start", args=[program.pk])
    assert "Run the bulk match" in staff_client.get(start).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(start, {"objective": "fit", "mode": "fast"})
    response = staff_client.get(response["Location"])
    page = response.content.decode()
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.DRAFT
    assert "3</span><span>of 4 mentees matched" in page.replace("\n", "")
    assert "Python" in page  # the explanation names the shared skill
    assert "No eligible mentor" in page
    ana = run.pairs.get(mentee=cohort["ana"])
    remove = reverse("admin:matching_matchrun_pair", args=[run.pk, ana.pk, "remove"])
    page = staff_client.post(remove, follow=True).content.decode()
    assert "is unmatched in this draft" in page
    publish = reverse("admin:matching_matchrun_publish", args=[run.pk])
    assert "mentorships start now" in staff_client.get(publish).content.decode()
    staff_client.post(publish)
    page = staff_client.post(publish, follow=True).content.decode()
    assert "already published" in page
    assert Mentorship.objects.filter(match_run=run).count() == 2


def test_the_progress_poll_reloads_once_the_draft_is_ready(cohort, staff_client) -> None:
    run = services_bulk.start_match_run(program=cohort["program"], by=None)
    url = reverse("admin:matching_matchrun_progress", args=[run.pk])
    waiting = staff_client.get(url)
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    assert "HX-Refresh" not in waiting
    services_bulk.solve_match_run(run_id=run.pk)
    assert staff_client.get(url)["HX-Refresh"] == "true"


def test_people_who_are_not_staff_are_sent_to_log_in(cohort, client, mentee_ana) -> None:
    run = solve(cohort["program"])
    client.force_login(mentee_ana)
    for url in (
        reverse("admin:matching_matchrun_change", args=[run.pk]),
        reverse("admin:matching_matchrun_start", args=[cohort["program"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert client.post(reverse("admin:matching_matchrun_publish", args=[run.pk])).status_code == 302
    assert not Mentorship.objects.exists()


def test_the_run_changelist_and_review_cost_fixed_queries(
    cohort, staff_client, django_assert_max_num_queries
) -> None:
    solve(cohort["program"])
    run = solve(cohort["program"])
    staff_client.get(reverse("admin:matching_matchrun_changelist"))
    # session, user; the programme filter's choices; the count, twice (filtered and
    # not); the page of runs with their programmes; the unread notifications (the
    # site's context); the date hierarchy's range and its days.
    with django_assert_max_num_queries(9):
        assert staff_client.get(reverse("admin:matching_matchrun_changelist")).status_code == 200
    url = reverse("admin:matching_matchrun_change", args=[run.pk])
    staff_client.get(url)
    # session, user; the run; the pairs' count and page (with people); the unmatched;
    # the explanations (the data clock, then the page's mentees encoded in 9); the
    # mentors with their places (3); the swap choices; the unread notifications.
    with django_assert_max_num_queries(21):
        assert staff_client.get(url).status_code == 200


# --- The command -----------------------------------------------------------------------------


def test_the_command_prints_the_summary_and_dry_run_writes_nothing(cohort) -> None:
    out = io.StringIO()
    call_command("bulk_match", "spring", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "matched:   3" in text
    assert "1 with no eligible mentor" in text
    assert "Dry run: nothing was saved." in text
    assert not MatchRun.objects.exists()
    out = io.StringIO()
    call_command("bulk_match", "spring", "--objective", "coverage", "--exact", stdout=out)
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.DRAFT
    assert run.objective == "coverage"
    assert f"/admin/matching/matchrun/{run.pk}/change/" in out.getvalue()


def test_the_command_names_an_unknown_programme(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No programme"):
        call_command("bulk_match", "nope")


def test_the_run_pairs_changelist_costs_fixed_queries(
    cohort, staff_client, django_assert_num_queries
) -> None:
    solve(cohort["program"])
    url = reverse("admin:matching_matchrunpair_changelist")
    staff_client.get(url)
    # session, user; the programme filter's choices; count twice; the page of lines
    # with mentee, mentor, run and programme joined; unread notifications.
    with django_assert_num_queries(7):
        page = staff_client.get(url).content.decode()
    assert "Ben Okafor" in page
