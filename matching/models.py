from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from matching.engine.scoring import CRITERIA, DEFAULT_WEIGHTS, Weights, WeightsError

CRITERION_LABELS = {
    "skills": "Wanted skills",
    "industry": "Industry",
    "experience": "Experience and seniority",
    "traits": "Mentoring style",
    "languages": "Languages",
    "availability": "Shared availability",
    "formats": "Formats and rhythm",
}


def validate_weights(value: Any) -> None:
    """Weights are a mapping of known criteria to numbers of 0 or more, not all zero."""
    if not isinstance(value, dict):
        raise ValidationError('Weights are a mapping such as {"skills": 0.4}.')
    try:
        Weights.of(value)
    except WeightsError as error:
        raise ValidationError(str(error)) from error


def validate_reminder_days(value: Any) -> None:
    """Reminder days are a list of whole days, such as [3, 7]."""
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 90 for day in value
    ):
        raise ValidationError("Reminder days are a list of whole days from 1 to 90, e.g. [3, 7].")


class Program(models.Model):
    """A mentoring programme: how its people are matched (minimal until cohorts land)."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one mentoring"
        PEER = "peer", "Peer mentoring"
        REVERSE = "reverse", "Reverse mentoring"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    description = models.TextField(blank=True, max_length=2000)
    weights = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_weights],
        help_text=(
            'Overrides of the default criterion weights, e.g. {"skills": 0.4, '
            '"availability": 0.3}. Names: ' + ", ".join(CRITERIA) + ". Missing names keep "
            "their defaults; all are rescaled to add up to 100%."
        ),
    )
    # Outreach rules (the defaults apply to browsing outside any programme).
    max_open_requests = models.PositiveSmallIntegerField(
        default=3, help_text="Requests a mentee may have waiting for an answer at once."
    )
    request_reminder_days = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_reminder_days],
        help_text="Days after which the mentor is reminded of an unanswered request; "
        "empty means [3, 7].",
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1)],
        help_text="Days after which an unanswered request expires (reminders come before).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def engine_weights(self) -> Weights:
        return Weights.of(self.weights or {})

    def weight_shares(self) -> list[tuple[str, int]]:
        """(label, percent) per criterion, as the admin and pages show them."""
        weights = self.engine_weights()
        return [(CRITERION_LABELS[name], round(100 * weights[name])) for name in CRITERIA]


class MentorshipRequestQuerySet(models.QuerySet["MentorshipRequest"]):
    def pending(self) -> MentorshipRequestQuerySet:
        """Requests still waiting for the mentor's answer."""
        return self.filter(status=MentorshipRequest.Status.PENDING)


class MentorshipRequest(models.Model):
    """A mentee's short, personal, low-commitment first message to one mentor.

    pending -> accepted | declined | withdrawn | expired, or cancelled when the
    mentee is matched elsewhere first. One open request per pair (a partial
    unique index), never to oneself (a check constraint).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled: matched elsewhere"

    class Ask(models.TextChoices):
        INTRO_CALL = "intro_call", "A 15–20 minute intro conversation"
        ONE_QUESTION = "one_question", "An answer to one question, by message"
        FEEDBACK = "feedback", "Feedback on something I made"
        MENTORSHIP = "mentorship", "Regular mentoring conversations"

    class DeclineReason(models.TextChoices):
        NO_TIME = "no_time", "I don't have time right now"
        NOT_MY_EXPERTISE = "not_my_expertise", "It's not my area of expertise"
        BETTER_FIT = "better_fit", "Another mentor would fit you better"
        OTHER = "other", "Another reason"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_received"
    )
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    goal = models.ForeignKey(
        "profiles.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    subject = models.CharField(max_length=150)
    message = models.TextField(max_length=4000)
    ask = models.CharField(max_length=16, choices=Ask.choices, default=Ask.INTRO_CALL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(max_length=1000, blank=True)
    welcome_note = models.TextField(max_length=1000, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipRequestQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("mentee", "mentor"),
                condition=models.Q(status="pending"),
                name="one_open_request_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="request_not_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=("mentor", "status"), name="request_mentor_status"),
            models.Index(fields=("mentee", "status"), name="request_mentee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class RequestMessage(models.Model):
    """A short thread on a request: the mentor's question and the mentee's answer."""

    request = models.ForeignKey(
        MentorshipRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return self.body[:60]


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def live(self) -> MentorshipQuerySet:
        """Active or paused: the pair still holds one of the mentor's places."""
        return self.filter(status__in=Mentorship.LIVE)


class Mentorship(models.Model):
    """A pair working together: active <-> paused -> completed | ended, with the
    agreement both confirm."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended early"

    LIVE = (Status.ACTIVE, Status.PAUSED)

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every month"
        AS_NEEDED = "as_needed", "When needed"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    request = models.OneToOneField(
        MentorshipRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorship",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    goals = models.ManyToManyField("profiles.Goal", blank=True, related_name="mentorships")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The agreement.
    frequency = models.CharField(max_length=12, choices=Frequency.choices, blank=True)
    session_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=120, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    boundaries = models.TextField(max_length=2000, blank=True)
    confidentiality = models.TextField(max_length=2000, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Pausing: who, why and (optionally) until when; cleared on resume.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pause_reason = models.CharField(max_length=500, blank=True)
    pause_until = models.DateField(null=True, blank=True)
    # The last resume: the rhythm (check-ins, quiet-pair nudges) restarts from here.
    resumed_at = models.DateTimeField(null=True, blank=True)
    # Ending: one side proposes (with the outcome), the other agrees; both reflect.
    close_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_proposed_at = models.DateTimeField(null=True, blank=True)
    close_outcome = models.CharField(
        max_length=10,
        blank=True,
        choices=[("completed", "We reached what we set out to do"), ("ended", "End early")],
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ("-started_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("mentee", "mentor"),
                condition=models.Q(status__in=("active", "paused")),
                name="one_live_mentorship_per_pair",
            ),
        ]
        indexes = [models.Index(fields=("mentor", "status"), name="mentorship_mentor_status")]

    def __str__(self) -> str:
        return f"Mentorship {self.pk} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def agreement_confirmed(self) -> bool:
        """Both have confirmed the same terms (a change clears the other's confirmation)."""
        return self.mentee_confirmed_at is not None and self.mentor_confirmed_at is not None

    def confirmed_by(self, user_id: int) -> bool:
        stamp = self.mentee_confirmed_at if user_id == self.mentee_id else self.mentor_confirmed_at
        return stamp is not None

    def other_id(self, user_id: int) -> int:
        """The other person in the pair."""
        return self.mentor_id if user_id == self.mentee_id else self.mentee_id


__all__ = [
    "CRITERION_LABELS",
    "DEFAULT_WEIGHTS",
    "Mentorship",
    "MentorshipRequest",
    "Program",
    "RequestMessage",
    "validate_weights",
]
