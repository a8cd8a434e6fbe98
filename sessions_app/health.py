"""How a mentorship is doing, as pure rules: no ORM, no clock (facts and `now` come in).

The label is the worst that any rule finds (the reasons and advice list all
of them, worst first), in this order:

- **at risk** when
  1. no first session (confirmed or completed) within `first_session_days`
     (10) of the start;
  2. nothing at all (no session held or booked, no check-in) for
     `quiet_days` (14) — counted from the start or the last resume when
     nothing happened since;
  3. the check-in is flagged (overdue for `schedule.CHECKIN_FLAG_DAYS`);
  4. progress ratings fall: the last three strictly falling, or the latest
     at 2 of 5 or below;
- **needs a check-in** when
  1. the check-in is overdue past its first reminder (stage "reminded" or
     "reminded again");
  2. check-ins are one-sided: the mentor left two or more unacknowledged,
     or the mentee has written none while sessions have happened for more
     than two cadences;
- **too early** when it started (or resumed) less than `TOO_EARLY_DAYS` (10)
  ago and nothing above applies;
- **on track** otherwise.

Paused mentorships are "paused" and finished ones "closed": the rhythm
rules do not apply to them. Advice is phrased for the viewer's role
("mentee", "mentor", or "admin" for staff).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sessions_app import schedule

TOO_EARLY_DAYS = 10
FIRST_SESSION_DAYS = 10
QUIET_DAYS = 14
LOW_RATING = 2

LABELS = {
    "too_early": "Too early to tell",
    "on_track": "On track",
    "needs_checkin": "Needs a check-in",
    "at_risk": "At risk",
    "paused": "Paused",
    "closed": "Closed",
}
# Worst first: the label is the first key any rule found.
SEVERITY = ("at_risk", "needs_checkin")


@dataclass(frozen=True)
class HealthFacts:
    """What the rules look at, gathered by `sessions_app.selectors.health`."""

    status: str  # the mentorship's status
    role: str  # the viewer: "mentee" | "mentor" | "admin"
    mentee_name: str
    mentor_name: str
    started_at: datetime
    frequency: str = ""
    resumed_at: datetime | None = None
    # Confirmed or completed sessions: the earliest and latest start (a booked
    # future session counts as contact) and the latest confirmation.
    first_session_at: datetime | None = None
    last_session_at: datetime | None = None
    last_confirmed_at: datetime | None = None
    checkins: int = 0
    unacknowledged: int = 0
    last_checkin_at: datetime | None = None
    # Newest first, at most three.
    recent_ratings: tuple[int, ...] = ()


@dataclass(frozen=True)
class Health:
    key: str
    label: str
    reasons: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def assess(
    facts: HealthFacts,
    *,
    now: datetime,
    first_session_days: int = FIRST_SESSION_DAYS,
    quiet_days: int = QUIET_DAYS,
) -> Health:
    """The health label of one mentorship, with the reasons and what would improve it."""
    if facts.status == "paused":
        return Health(
            "paused",
            LABELS["paused"],
            ["This mentorship is paused."],
            ["Resume it when you are both ready; the rhythm starts again from then."],
        )
    if facts.status != "active":
        return Health("closed", LABELS["closed"], ["This mentorship has ended."], [])

    role, mentee, mentor = facts.role, facts.mentee_name, facts.mentor_name
    today = now.date()
    found: dict[str, tuple[list[str], list[str]]] = {key: ([], []) for key in SEVERITY}

    def flag(key: str, reason: str, advice: dict[str, str]) -> None:
        reasons, tips = found[key]
        reasons.append(reason)
        tip = advice.get(role) or advice["admin"]
        if tip not in tips:
            tips.append(tip)

    since_start = (now - facts.started_at).days
    anchor = max(facts.started_at, facts.resumed_at or facts.started_at)
    since_anchor = (now - anchor).days

    no_first_session = facts.first_session_at is None and since_start >= first_session_days
    if no_first_session:
        flag(
            "at_risk",
            f"No first session {_days(since_start)} after the start.",
            {
                "mentee": f"Book your first session with {mentor}.",
                "mentor": f"Book your first session with {mentee}.",
                "admin": "The pair has not booked a first session.",
            },
        )

    contact = [anchor]
    contact += [t for t in (facts.last_session_at, facts.last_confirmed_at) if t is not None]
    if facts.last_checkin_at is not None:
        contact.append(facts.last_checkin_at)
    quiet_for = (now - max(contact)).days
    if not no_first_session and quiet_for >= quiet_days:
        flag(
            "at_risk",
            f"Nothing for {_days(quiet_for)}: no session held or booked, no check-in.",
            {
                "mentee": f"Book a session with {mentor}, or write a check-in.",
                "mentor": f"Book a session with {mentee}, or ask how things are going.",
                "admin": "The pair has gone quiet.",
            },
        )

    due_on = schedule.checkin_due_on(
        frequency=facts.frequency,
        started_at=facts.started_at,
        resumed_at=facts.resumed_at,
        last_checkin_at=facts.last_checkin_at,
    )
    stage = schedule.checkin_stage(due_on=due_on, today=today)
    if stage.stage in {"reminded", "reminded_again", "flagged"}:
        flag(
            "at_risk" if stage.stage == "flagged" else "needs_checkin",
            f"The check-in due {due_on:%d %b} is {_days(stage.days_overdue)} late.",
            {
                "mentee": f"Write your check-in for {mentor}.",
                "mentor": f"Ask {mentee} for the check-in that is due.",
                "admin": f"{mentee}'s check-in is overdue.",
            },
        )

    if facts.unacknowledged >= 2:
        flag(
            "needs_checkin",
            f"{facts.unacknowledged} check-ins have no reply from {mentor}.",
            {
                "mentor": f"You have {facts.unacknowledged} check-ins from {mentee} "
                "waiting for a reply.",
                "mentee": f"{mentor} has {facts.unacknowledged} check-ins waiting for a reply; "
                "mention them in your next session.",
                "admin": f"{mentor} has {facts.unacknowledged} check-ins waiting for a reply.",
            },
        )
    cadence = schedule.cadence_days(facts.frequency)
    if (
        facts.checkins == 0
        and facts.first_session_at is not None
        and (now - facts.first_session_at) > timedelta(days=2 * cadence)
    ):
        flag(
            "needs_checkin",
            "Sessions happen, but no check-in has been written yet.",
            {
                "mentee": f"Write a first check-in, so {mentor} can follow your progress.",
                "mentor": f"Ask {mentee} to write a first check-in after your next session.",
                "admin": f"{mentee} has written no check-in yet.",
            },
        )

    ratings = facts.recent_ratings
    falling_tip = {
        "mentee": f"Tell {mentor} what is in the way; bring it to your next session.",
        "mentor": f"Ask {mentee} what is in the way, and plan the next small step together.",
        "admin": "Progress ratings are low; the pair may need support.",
    }
    if len(ratings) >= 3 and ratings[0] < ratings[1] < ratings[2]:
        trend = " → ".join(str(r) for r in reversed(ratings[:3]))
        flag("at_risk", f"Progress ratings fell three times in a row ({trend}).", falling_tip)
    elif ratings and ratings[0] <= LOW_RATING:
        flag("at_risk", f"The latest progress rating is {ratings[0]} of 5.", falling_tip)

    worst = next((key for key in SEVERITY if found[key][0]), None)
    if worst is not None:
        # The worst label, with everything that would help, worst first.
        reasons = [reason for key in SEVERITY for reason in found[key][0]]
        tips = [tip for key in SEVERITY for tip in found[key][1]]
        return Health(worst, LABELS[worst], reasons, list(dict.fromkeys(tips)))

    if since_anchor < TOO_EARLY_DAYS:
        tips = []
        if facts.first_session_at is None:
            tips.append(
                {
                    "mentee": f"Book your first session with {mentor}.",
                    "mentor": f"Book your first session with {mentee}.",
                }.get(role, "The first session is not booked yet.")
            )
        return Health(
            "too_early",
            LABELS["too_early"],
            [f"Started {_days(since_anchor)} ago."],
            tips,
        )
    return Health(
        "on_track",
        LABELS["on_track"],
        ["Sessions and check-ins keep the agreed rhythm."],
        [f"Next check-in due {due_on:%d %b}."],
    )
