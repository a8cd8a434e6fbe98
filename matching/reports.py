"""The staff reports: how a programme (or the whole platform) is doing, as figures.

Reads only. Every figure is an aggregate over rows the database groups; a
report costs the same dozen queries whatever the number of people. Each
figure carries the one-line definition the page shows next to it, so a
coordinator can tell exactly what is counted.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncWeek

from matching.models import (
    Enrolment,
    Mentorship,
    MentorshipQuerySet,
    MentorshipRequest,
    Program,
)
from profiles.models import Goal, Profile, User
from sessions_app import schedule
from sessions_app.health import LABELS, Health
from sessions_app.models import Session
from sessions_app.selectors.health import health_for_mentorships

DEFAULT_DAYS = 90
OUTCOME_LABELS = {
    "pending": "Waiting",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "expired": "Expired",
    "cancelled": "Matched elsewhere",
}
HEALTH_ORDER = ("on_track", "too_early", "needs_checkin", "at_risk", "paused")


@dataclass(frozen=True)
class ReportFilters:
    program: Program | None
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The moment after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None  # None: nothing to measure yet
    display: str
    definition: str
    detail: str = ""  # e.g. "12 of 20"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    key: str = ""


@dataclass(frozen=True)
class AtRiskRow:
    mentorship: Mentorship
    health: Health


@dataclass
class Report:
    filters: ReportFilters
    figures: list[Figure] = field(default_factory=list)
    weekly: list[Bar] = field(default_factory=list)  # new mentorships per week
    health: list[Bar] = field(default_factory=list)
    outcomes: list[Bar] = field(default_factory=list)  # requests by outcome
    at_risk: list[AtRiskRow] = field(default_factory=list)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def default_filters(*, today: date, program: Program | None = None) -> ReportFilters:
    return ReportFilters(program=program, start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)


def _percent(part: int, whole: int) -> tuple[float | None, str]:
    if not whole:
        return None, "–"
    share = part / whole
    return share, f"{round(100 * share)}%"


def _number(value: float | None, unit: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{round(value)}"
    return f"{text} {unit}".strip()


def _mentees(filters: ReportFilters) -> QuerySet[User]:
    """The mentees the report is about: the programme's, or everyone's who mentees."""
    if filters.program is not None:
        enrolled = Enrolment.objects.mentees().filter(program=filters.program)
        return User.objects.filter(pk__in=enrolled.values("user_id"))
    return User.objects.filter(
        pk__in=Profile.objects.filter(is_mentee=True).values("user_id"), is_active=True
    )


def _mentorships(filters: ReportFilters) -> MentorshipQuerySet:
    mentorships = Mentorship.objects.all()
    if filters.program is not None:
        mentorships = mentorships.filter(program=filters.program)
    return mentorships


def _requests(filters: ReportFilters) -> QuerySet[MentorshipRequest]:
    requests = MentorshipRequest.objects.filter(
        created_at__gte=filters.since, created_at__lt=filters.until
    )
    if filters.program is not None:
        requests = requests.filter(program=filters.program)
    return requests


def _match_figures(filters: ReportFilters) -> list[Figure]:
    mentorships = _mentorships(filters)
    # 1. Each mentee who had joined by the end: matched by then or not.
    matched_by_end = mentorships.filter(mentee=OuterRef("pk"), started_at__lt=filters.until)
    mentees = _mentees(filters).filter(date_joined__lt=filters.until)
    counts = mentees.aggregate(
        total=Count("pk"), matched=Count("pk", filter=Q(Exists(matched_by_end)))
    )
    rate, rate_text = _percent(counts["matched"], counts["total"])
    # 2. Time to match: from joining (the programme, or the platform) to the first
    #    mentorship, for mentees first matched within the range.
    firsts = (
        mentorships.filter(mentee__in=_mentees(filters))
        .values("mentee_id")
        .annotate(first=Min("started_at"))
        .filter(first__gte=filters.since, first__lt=filters.until)
    )
    if filters.program is not None:
        joined = dict(
            Enrolment.objects.filter(program=filters.program).values_list("user_id", "joined_at")
        )
    else:
        joined = {}
    first_rows = list(firsts.values_list("mentee_id", "first", "mentee__date_joined"))
    days = [
        max((first - joined.get(mentee_id, signed_up)).total_seconds(), 0) / 86400
        for mentee_id, first, signed_up in first_rows
    ]
    median_days = statistics.median(days) if days else None
    return [
        Figure(
            "match_rate",
            "Match rate",
            rate,
            rate_text,
            "Mentees with a mentorship started by the end of the range, of all mentees who "
            "had joined by then.",
            f"{counts['matched']} of {plural(counts['total'], 'mentee')}",
        ),
        Figure(
            "time_to_match",
            "Time to match",
            median_days,
            _number(median_days, "days"),
            "Median days from joining (the programme, or the platform) to the first "
            "mentorship, for mentees first matched in the range.",
            f"{plural(len(days), 'mentee')} matched in the range",
        ),
    ]


def _request_figures(filters: ReportFilters) -> tuple[list[Figure], list[Bar]]:
    status = MentorshipRequest.Status
    by_status = dict(
        _requests(filters).values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    answered = list(
        _requests(filters)
        .filter(status__in=(status.ACCEPTED, status.DECLINED), responded_at__isnull=False)
        .values_list("created_at", "responded_at")
    )
    accepted, declined = by_status.get(status.ACCEPTED, 0), by_status.get(status.DECLINED, 0)
    rate, rate_text = _percent(accepted, accepted + declined)
    hours = [
        max((done - asked).total_seconds(), 0) / 3600
        for asked, done in answered
        if done is not None
    ]
    median_hours = statistics.median(hours) if hours else None
    expired = by_status.get(status.EXPIRED, 0)
    figures = [
        Figure(
            "acceptance_rate",
            "Request acceptance",
            rate,
            rate_text,
            "Requests accepted, of those accepted or declined, for requests sent in the range.",
            f"{accepted} of {accepted + declined} answered",
        ),
        Figure(
            "response_time",
            "Response time",
            median_hours,
            _number(median_hours, "h"),
            "Median hours from a request to the mentor's answer, for requests sent in the range.",
            plural(len(hours), "answer"),
        ),
        Figure(
            "expired_requests",
            "Expired requests",
            expired,
            str(expired),
            "Requests sent in the range that expired without an answer.",
            f"of {sum(by_status.values())} sent",
        ),
    ]
    outcomes = [
        Bar(label, by_status.get(value, 0), value) for value, label in OUTCOME_LABELS.items()
    ]
    return figures, outcomes


def _live_in_range(filters: ReportFilters) -> MentorshipQuerySet:
    """Mentorships that were live at some point of the range."""
    return (
        _mentorships(filters)
        .filter(started_at__lt=filters.until)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=filters.since))
    )


def _expected_checkins(
    frequency: str, started: datetime, ended: datetime | None, filters: ReportFilters, now: datetime
) -> int:
    """Check-ins the cadence asked for within the range: one per cadence since the start."""
    cadence = timedelta(days=schedule.cadence_days(frequency))
    stop = min(ended or now, now, filters.until)
    if stop <= started:
        return 0
    due = started + cadence
    expected = 0
    # Due dates before the range do not count; the loop is short (a year of weekly
    # check-ins is 52 steps), so jump to the range first.
    if due < filters.since:
        skipped = (filters.since - due) // cadence
        due += cadence * skipped
        while due < filters.since:
            due += cadence
    while due <= stop:
        expected += 1
        due += cadence
    return expected


def _engagement_figures(filters: ReportFilters, now: datetime) -> list[Figure]:
    live_now = _mentorships(filters).live().count()
    started = _mentorships(filters).filter(
        started_at__gte=filters.since, started_at__lt=filters.until
    )
    new_count = started.count()
    in_range = _live_in_range(filters)
    in_period = Q(checkins__created_at__gte=filters.since, checkins__created_at__lt=filters.until)
    rows = list(
        in_range.values("pk", "frequency", "started_at", "ended_at").annotate(
            checkins_in_range=Count("checkins", filter=in_period, distinct=True)
        )
    )
    sessions = Session.objects.filter(
        mentorship__in=in_range,
        status=Session.Status.COMPLETED,
        starts_at__gte=filters.since,
        starts_at__lt=filters.until,
    ).count()
    pairs = len(rows)
    per_pair = sessions / pairs if pairs else None
    expected = submitted = 0
    for row in rows:
        due = _expected_checkins(row["frequency"], row["started_at"], row["ended_at"], filters, now)
        expected += due
        submitted += min(row["checkins_in_range"], due)
    completion, completion_text = _percent(submitted, expected)
    goals = Goal.objects.filter(owner__in=_mentees(filters)).exclude(status=Goal.Status.DROPPED)
    goal_counts = goals.aggregate(
        total=Count("pk"), achieved=Count("pk", filter=Q(status=Goal.Status.ACHIEVED))
    )
    goal_rate, goal_text = _percent(goal_counts["achieved"], goal_counts["total"])
    return [
        Figure(
            "active_mentorships",
            "Active mentorships",
            live_now,
            str(live_now),
            "Mentorships active or paused right now (whatever the range).",
            f"{new_count} started in the range",
        ),
        Figure(
            "new_mentorships",
            "New mentorships",
            new_count,
            str(new_count),
            "Mentorships started in the range.",
        ),
        Figure(
            "sessions_per_pair",
            "Sessions per pair",
            per_pair,
            _number(per_pair, "", 1),
            "Completed sessions held in the range, per mentorship live during the range.",
            f"{plural(sessions, 'session')}, {plural(pairs, 'pair')}",
        ),
        Figure(
            "checkin_completion",
            "Check-in completion",
            completion,
            completion_text,
            "Check-ins written in the range, of those the agreed rhythm asked for "
            "(one per cadence since the start; extra check-ins do not count twice).",
            f"{submitted} of {expected} due",
        ),
        Figure(
            "goal_completion",
            "Goal completion",
            goal_rate,
            goal_text,
            "Goals of these mentees marked achieved, of all their goals not dropped.",
            f"{goal_counts['achieved']} of {plural(goal_counts['total'], 'goal')}",
        ),
    ]


def _weekly(filters: ReportFilters) -> list[Bar]:
    """New mentorships per week (weeks start on Monday), every week of the range shown."""
    counts = dict(
        _mentorships(filters)
        .filter(started_at__gte=filters.since, started_at__lt=filters.until)
        .annotate(week=TruncWeek("started_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    by_day = {
        (week.date() if isinstance(week, datetime) else week): n for week, n in counts.items()
    }
    monday = filters.start - timedelta(days=filters.start.weekday())
    bars = []
    while monday <= filters.end:
        bars.append(Bar(f"{monday:%d %b}", by_day.get(monday, 0), monday.isoformat()))
        monday += timedelta(days=7)
    return bars


def _health(filters: ReportFilters, now: datetime) -> tuple[list[Bar], list[AtRiskRow]]:
    live = list(
        _mentorships(filters)
        .live()
        .select_related("mentee", "mentor", "program")
        .order_by("started_at", "pk")
    )
    health = health_for_mentorships(live, now=now)
    counts = dict.fromkeys(HEALTH_ORDER, 0)
    for result in health.values():
        counts[result.key] = counts.get(result.key, 0) + 1
    bars = [Bar(LABELS[key], counts.get(key, 0), key) for key in HEALTH_ORDER]
    at_risk = [
        AtRiskRow(mentorship, health[mentorship.pk])
        for mentorship in live
        if health[mentorship.pk].key == "at_risk"
    ]
    return bars, at_risk


def build_report(*, filters: ReportFilters, now: datetime) -> Report:
    """Every figure, chart and the at-risk list for these filters."""
    report = Report(filters)
    request_figures, report.outcomes = _request_figures(filters)
    report.figures = [
        *_match_figures(filters),
        *request_figures,
        *_engagement_figures(filters, now),
    ]
    report.weekly = _weekly(filters)
    report.health, report.at_risk = _health(filters, now)
    return report


def chart_bars(bars: Sequence[Bar], *, width: int = 560, height: int = 180) -> dict[str, object]:
    """Geometry for an SVG bar chart drawn by the template: no library, no script."""
    top = max((bar.value for bar in bars), default=0) or 1
    label_room, pad = 22, 6
    plot = height - label_room - 14
    slot = width / max(len(bars), 1)
    bar_width = max(slot - pad, 2)
    # With many bars, label every few so the labels never overlap.
    every = max(1, round(len(bars) / 8))
    items = []
    for i, bar in enumerate(bars):
        h = plot * bar.value / top
        items.append(
            {
                "label": bar.label,
                "value": bar.value,
                "key": bar.key,
                "x": round(i * slot + pad / 2, 1),
                "y": round(14 + plot - h, 1),
                "w": round(bar_width, 1),
                "h": round(h, 1),
                "cx": round(i * slot + slot / 2, 1),
                "show_label": i % every == 0,
            }
        )
    return {"width": width, "height": height, "bars": items, "base": 14 + plot, "max": top}


def chart_rows(bars: Sequence[Bar], *, width: int = 420, row: int = 26) -> dict[str, object]:
    """Geometry for a horizontal SVG bar chart (categories with long names)."""
    top = max((bar.value for bar in bars), default=0) or 1
    label_width, value_room = 150, 36
    plot = width - label_width - value_room
    items = []
    for i, bar in enumerate(bars):
        w = plot * bar.value / top
        items.append(
            {
                "label": bar.label,
                "value": bar.value,
                "key": bar.key,
                "y": i * row + 4,
                "ty": i * row + row / 2 + 4,
                "w": round(w, 1),
                "vx": round(label_width + w + 6, 1),
            }
        )
    return {
        "width": width,
        "height": len(bars) * row + 8,
        "bars": items,
        "x": label_width,
        "bar_height": row - 8,
    }


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"
