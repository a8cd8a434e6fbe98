from __future__ import annotations

import secrets
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


def new_invite_code() -> str:
    return secrets.token_urlsafe(12)


class ProgramQuerySet(models.QuerySet["Program"]):
    def of_user(self, user_id: int) -> ProgramQuerySet:
        """The programmes this person is enrolled in."""
        return self.filter(enrolments__user_id=user_id)


class Program(models.Model):
    """A mentoring programme: an open community or a cohort with dates, with its
    own people (enrolments), matching mode, weights, outreach rules and rhythm."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one mentoring"
        PEER = "peer", "Peer mentoring"
        REVERSE = "reverse", "Reverse mentoring"

    class Timing(models.TextChoices):
        OPEN = "open", "Open (evergreen)"
        COHORT = "cohort", "Cohort with dates"

    class MatchingMode(models.TextChoices):
        MENTEE_CHOICE = "mentee_choice", "Mentees choose their mentor"
        ADMIN_ASSIGNED = "admin_assigned", "Admins assign pairs"
        BOTH = "both", "Both: admins introduce, mentees may also choose"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    description = models.TextField(blank=True, max_length=2000)
    timing = models.CharField(max_length=8, choices=Timing.choices, default=Timing.OPEN)
    starts_on = models.DateField(null=True, blank=True, help_text="Cohorts: the first day.")
    ends_on = models.DateField(null=True, blank=True, help_text="Cohorts: the last day.")
    matching_mode = models.CharField(
        max_length=16, choices=MatchingMode.choices, default=MatchingMode.MENTEE_CHOICE
    )
    # Joining: anyone signed in with the link joins (while enrolment is open).
    invite_code = models.CharField(max_length=32, unique=True, default=new_invite_code)
    enrolment_open = models.BooleanField(
        default=True, help_text="Whether the invite link still lets people join."
    )
    # Bulk matching: pairs never proposed.
    exclude_same_organisation = models.BooleanField(
        default=True, help_text="Bulk matching never pairs people of the same organisation."
    )
    exclude_previous_pairs = models.BooleanField(
        default=True, help_text="Bulk matching never pairs people who were paired before."
    )
    checkin_frequency = models.CharField(
        max_length=12,
        blank=True,
        choices=[
            ("weekly", "Every week"),
            ("fortnightly", "Every two weeks"),
            ("monthly", "Every month"),
            ("as_needed", "When needed"),
        ],
        help_text="The rhythm new mentorships in this programme start with (check-ins "
        "follow it); empty lets each pair choose.",
    )
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

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.timing == self.Timing.COHORT and not (self.starts_on and self.ends_on):
            raise ValidationError("A cohort has a first and a last day.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The last day comes after the first."})

    @property
    def mentees_choose(self) -> bool:
        """Mentees may browse and send requests within this programme."""
        return self.matching_mode != self.MatchingMode.ADMIN_ASSIGNED

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
    # Set when a programme's bulk match introduced the pair (pre-approved by its admins).
    match_run = models.ForeignKey(
        "MatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
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
    # Set when a programme's admins assigned the pair in a bulk match.
    match_run = models.ForeignKey(
        "MatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
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


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def mentees(self) -> EnrolmentQuerySet:
        return self.filter(role__in=(Enrolment.Role.MENTEE, Enrolment.Role.BOTH))

    def mentors(self) -> EnrolmentQuerySet:
        return self.filter(role__in=(Enrolment.Role.MENTOR, Enrolment.Role.BOTH))


class Enrolment(models.Model):
    """A person in a programme, with the side they take in it."""

    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"
        BOTH = "both", "Mentee and mentor"

    class Source(models.TextChoices):
        INVITE = "invite", "Joined with the invite link"
        IMPORT = "import", "Imported by an admin"
        ADMIN = "admin", "Added by an admin"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MENTEE)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ADMIN)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ("program", "joined_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=("program", "user"), name="one_enrolment_per_program"),
        ]
        indexes = [models.Index(fields=("user", "program"), name="enrolment_user_program")]

    def __str__(self) -> str:
        return f"{self.user} in {self.program} ({self.get_role_display()})"

    @property
    def is_mentee(self) -> bool:
        return self.role in (self.Role.MENTEE, self.Role.BOTH)

    @property
    def is_mentor(self) -> bool:
        return self.role in (self.Role.MENTOR, self.Role.BOTH)


class PairRule(models.Model):
    """An admin's rule for bulk matching in a programme: these two must, or must never, match."""

    class Kind(models.TextChoices):
        PIN = "pin", "Must match"
        EXCLUDE = "exclude", "Never match"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_rules")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("program", "kind", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("program", "mentee", "mentor"), name="one_rule_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="pair_rule_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.mentee} and {self.mentor}"


class MatchRun(models.Model):
    """One bulk matching of a programme: solved by a worker into a draft that
    admins review and edit, then published once (requests or mentorships)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DRAFT = "draft", "Draft: ready to review"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Objective(models.TextChoices):
        FIT = "fit", "Best total fit"
        COVERAGE = "coverage", "Most people matched, then best fit"

    class Mode(models.TextChoices):
        FAST = "fast", "Fast: near-optimal over each person's best candidates"
        EXACT = "exact", "Exact: every eligible pair (slower for large cohorts)"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reruns",
        help_text="The draft this run re-ran, with its edits pinned.",
    )
    objective = models.CharField(max_length=10, choices=Objective.choices, default=Objective.FIT)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.FAST)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Progress as the worker reports it: a percentage and what it is doing.
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    # Totals and the score histogram, written when the draft is ready.
    total_score = models.FloatField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("program",),
                condition=models.Q(status__in=("queued", "running")),
                name="one_active_run_per_program",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="match_run_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"Bulk match {self.pk} of {self.program} ({self.get_status_display()})"


class MatchRunPair(models.Model):
    """One mentee's line in a run: their mentor and score, or why they are unmatched."""

    class Unmatched(models.TextChoices):
        NO_ELIGIBLE = "no_eligible", "No eligible mentor"
        CAPACITY = "capacity", "Every eligible mentor is full"
        REMOVED = "removed", "Removed by an admin"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    unmatched_reason = models.CharField(max_length=12, choices=Unmatched.choices, blank=True)
    # The mentor an admin removed from this line: a re-run never pairs them again.
    removed_mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Pinned pairs are kept as they are when the draft is re-run.
    pinned = models.BooleanField(default=False)
    edited = models.BooleanField(default=False, help_text="Changed by an admin in the draft.")
    # What publishing made of the pair.
    request = models.OneToOneField(
        MentorshipRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentorship = models.OneToOneField(
        "Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("run", "-score", "pk")
        constraints = [
            models.UniqueConstraint(fields=("run", "mentee"), name="one_line_per_mentee"),
            models.CheckConstraint(
                condition=models.Q(mentor__isnull=True) | ~models.Q(mentor=models.F("mentee")),
                name="run_pair_not_self",
            ),
        ]
        indexes = [models.Index(fields=("run", "mentor"), name="run_pair_mentor")]

    def __str__(self) -> str:
        return f"{self.mentee} with {self.mentor or 'nobody'}"


__all__ = [
    "CRITERION_LABELS",
    "DEFAULT_WEIGHTS",
    "Enrolment",
    "MatchRun",
    "MatchRunPair",
    "Mentorship",
    "MentorshipRequest",
    "PairRule",
    "Program",
    "RequestMessage",
    "validate_weights",
]
