"""Sessions, check-ins and the closing reflections of a mentorship.

Times are stored in UTC and shown in each viewer's own time zone.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class SessionQuerySet(models.QuerySet["Session"]):
    def upcoming(self, now: datetime) -> SessionQuerySet:
        return self.filter(status=Session.Status.CONFIRMED, starts_at__gte=now)

    def held(self) -> SessionQuerySet:
        """Sessions that count as contact: confirmed (booked) or completed."""
        return self.filter(status__in=(Session.Status.CONFIRMED, Session.Status.COMPLETED))


class Session(models.Model):
    """One conversation: proposed (one or more times) -> confirmed -> completed |
    cancelled | no_show."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "Missed"

    mentorship = models.ForeignKey(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="sessions"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # The agreed time (UTC); the proposed times are the options until then.
    starts_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    agenda = models.TextField(max_length=4000, blank=True)
    shared_notes = models.TextField(max_length=10000, blank=True)
    location = models.CharField(max_length=300, blank=True, help_text="A video link or a place.")
    # The calendar identity of the event: the UID stays across reschedules and
    # SEQUENCE grows with each change, so calendars update the event in place.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.TextField(max_length=1000, blank=True)
    # Who did not come, when the session is marked missed.
    no_show_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ("starts_at", "created_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="proposed")
                | models.Q(status="cancelled")
                | models.Q(starts_at__isnull=False),
                name="session_agreed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=("status", "starts_at"), name="session_status_start"),
            models.Index(fields=("mentorship", "status"), name="session_mentorship_status"),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} ({self.get_status_display()})"

    @property
    def ends_at(self) -> datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class SessionOption(models.Model):
    """A time proposed for a session; the other person confirms one of them."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="options")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ("starts_at",)
        constraints = [
            models.UniqueConstraint(fields=("session", "starts_at"), name="session_option_once"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"


class SessionNote(models.Model):
    """A private note on a session: only its author ever sees it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=10000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("session", "author"), name="one_private_note_each"),
        ]

    def __str__(self) -> str:
        return f"Private note on session {self.session_id}"


class CheckIn(models.Model):
    """The mentee's report at the agreed cadence; the mentor acknowledges it."""

    mentorship = models.ForeignKey(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="checkins"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The cadence date this check-in answers (None when written before one was due).
    due_on = models.DateField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 = stuck … 5 = great progress",
    )
    wins = models.TextField(max_length=2000, blank=True)
    blockers = models.TextField(max_length=2000, blank=True)
    next_steps = models.TextField(max_length=2000, blank=True)
    milestones_done = models.ManyToManyField("profiles.Milestone", blank=True, related_name="+")
    mentor_comment = models.TextField(max_length=2000, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The form's one-time token: a double submit of the same form saves one check-in.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=1, progress__lte=5), name="checkin_progress_1_5"
            ),
            models.UniqueConstraint(
                fields=("mentorship", "form_token"), name="checkin_form_token_once"
            ),
        ]
        indexes = [models.Index(fields=("mentorship", "-created_at"), name="checkin_recent")]

    def __str__(self) -> str:
        return f"Check-in {self.pk} on mentorship {self.mentorship_id}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class Reflection(models.Model):
    """One person's closing words on a mentorship. `private_feedback` is for admins only."""

    mentorship = models.ForeignKey(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reflection = models.TextField(max_length=4000)
    thank_you = models.TextField(max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    private_feedback = models.TextField(max_length=4000, blank=True)
    stay_in_touch = models.BooleanField(default=False)
    become_mentor = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("mentorship", "author"), name="one_reflection_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="reflection_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Reflection on mentorship {self.mentorship_id}"


class GoalOutcome(models.Model):
    """Where a linked goal ended up, in one person's closing reflection."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PROGRESSED = "progressed", "Good progress"
        UNCHANGED = "unchanged", "Not much changed"
        DROPPED = "dropped", "No longer a goal"

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="outcomes")
    goal = models.ForeignKey("profiles.Goal", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("reflection", "goal"), name="one_outcome_per_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.get_outcome_display()}"
