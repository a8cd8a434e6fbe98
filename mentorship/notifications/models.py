from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

if TYPE_CHECKING:
    from profiles.models import User


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_recipient(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def in_app(self) -> NotificationQuerySet:
        return self.filter(in_app=True)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def due(self, now: datetime) -> NotificationQuerySet:
        return self.filter(status=Notification.Status.PENDING, scheduled_at__lte=now)


class Notification(models.Model):
    """One logical message to one person: the outbox row and the in-app item.

    The row is written in the caller's transaction before anything is sent,
    so a broker or mail outage delays delivery but never loses or repeats it.
    `key` names the logical message (e.g. "welcome:42"); creating the same key
    twice gives the same row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        # Waiting for the person's daily digest (their email frequency).
        HELD = "held", "Held for the digest"

    key = models.CharField(max_length=200, unique=True)
    # Account emails (e.g. "someone tried to reset a password for this address")
    # can go to an address with no account, so the recipient may be empty.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # A fixed address to send to; empty means the recipient's current address.
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=60)
    context = models.JSONField(default=dict, blank=True)
    # Rendered once at creation from the kind's templates, so the email and the
    # in-app list say exactly the same thing.
    subject = models.CharField(max_length=255)
    body = models.TextField()
    # Set when the HTML was rendered elsewhere (allauth's account emails).
    html_body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Files sent with the email, rendered at creation like the body:
    # [{"filename": "session.ics", "mimetype": "text/calendar", "content": "..."}].
    attachments = models.JSONField(default=list, blank=True)
    send_email = models.BooleanField(default=True)
    # Shown in the person's notification list (account emails with secret links are not).
    in_app = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    scheduled_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="notification_due_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(email=""),
                name="notification_has_an_addressee",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sending") | models.Q(claimed_at__isnull=False),
                name="notification_sending_is_claimed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.email or self.recipient_id} ({self.get_status_display()})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class BouncedAddress(models.Model):
    """An address that refused mail for good: the platform stops emailing it.

    Written when a delivery fails permanently because of the address itself
    (no such mailbox, the provider refused the recipient). Later emails to it are
    cancelled unsent, except account emails: a password reset or an address
    confirmation may be how the person puts things right. Staff clear the flag
    in the admin once the mailbox works again.
    """

    # Lower-cased, so "Ana@Example.org" and "ana@example.org" are one flag.
    email = models.EmailField(unique=True)
    reason = models.TextField()
    # The message whose delivery bounced (kept when that row is gone).
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "bounced addresses"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="bounced_address_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return self.email
