"""Writes to the outbox: create a notification, deliver it, sweep what is due."""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.kinds import get_kind
from mentorship.notifications.models import BouncedAddress, Notification
from mentorship.notifications.unsubscribe import unsubscribe_headers, unsubscribe_url
from profiles.models import EmailFrequency, Profile, User

logger = logging.getLogger(__name__)

Status = Notification.Status

# Errors worth another try later: the server or network was briefly unwell.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
    socket.gaierror,
)


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT_ERRORS):
        return True
    # 4xx SMTP replies mean "try again later"; 5xx are permanent.
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    # An API provider (django-anymail) that could not be reached, was rate
    # limited or failed on its side; its 4xx answers are permanent.
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        return status is None or status == 429 or status >= 500
    # Network trouble on the way to the relay (unreachable host, TLS hiccup).
    # SMTPException is an OSError too, but its cases are decided above.
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


# Replies that say the mailbox itself is the problem (RFC 5321): 550 mailbox
# unavailable, 551 user not local, 553 mailbox name not allowed.
ADDRESS_REPLY_CODES = frozenset({550, 551, 553})
# An enhanced status code (RFC 3463) in the reply text: "5.1.1", "5.7.1"...
ENHANCED_STATUS = re.compile(r"\b5\.(\d{1,3})\.\d{1,3}\b")
# An email provider's API refusing the message or its recipient. Its 401/403
# (our credentials) and 404 (our domain) would fail every address alike, so
# they fail the message without flagging anyone.
PROVIDER_REFUSED_STATUSES = frozenset({400, 422})


def _address_refused(code: int, reply: bytes | str) -> bool:
    if not 500 <= code < 600:
        return False
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    enhanced = ENHANCED_STATUS.search(text)
    if enhanced:
        # 5.1.x is about the address, 5.2.x the mailbox; 5.7.x (policy, relaying
        # denied, spam) and the rest are about the message or our setup.
        return enhanced.group(1) in {"1", "2"}
    return code in ADDRESS_REPLY_CODES


def _is_bounce(error: BaseException) -> bool:
    """A permanent error that says this address does not take mail (not our setup or code)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(_address_refused(code, reply) for code, reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        return False  # our sender address or our credentials: every address fails alike
    if isinstance(error, smtplib.SMTPResponseException):
        return _address_refused(error.smtp_code, error.smtp_error)
    if isinstance(error, AnymailRecipientsRefused):
        return True
    if isinstance(error, AnymailAPIError):
        return error.status_code in PROVIDER_REFUSED_STATUSES
    return False


def bounced_address(address: str) -> BouncedAddress | None:
    """The flag on this address, if it bounced for good before."""
    return BouncedAddress.objects.filter(email=address.strip().lower()).first()


def _flag_address(address: str, *, notification: Notification, reason: str) -> None:
    BouncedAddress.objects.get_or_create(
        email=address.strip().lower(),
        defaults={"reason": reason, "notification": notification},
    )


def clear_bounced_addresses(*, ids: list[int]) -> int:
    """Email these addresses again (admin action, once the person fixed their mailbox)."""
    deleted, _ = BouncedAddress.objects.filter(pk__in=ids).delete()
    return deleted


def _render(kind: str, name: str, context: dict[str, Any]) -> str:
    template_name = f"emails/{kind}/{name}"
    if name.endswith(".txt"):
        # Plain text (subjects, text bodies) is not HTML: no escaping of "&" or quotes.
        template = get_template(template_name).template  # type: ignore[attr-defined]
        return str(template.render(Context(context, autoescape=False)))
    return render_to_string(template_name, context)


def _template_context(recipient: User, context: dict[str, Any], url: str) -> dict[str, Any]:
    return {
        **context,
        "recipient_name": recipient.display_name,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "action_url": f"{settings.SITE_URL}{url}" if url.startswith("/") else url,
    }


def _unsubscribe_context(recipient: User, kind: str) -> dict[str, str]:
    """What the footer of a non-essential email says and links to."""
    reason = (
        "you chose a daily digest of your updates"
        if kind == "digest"
        else f"you have an account at {settings.SITE_NAME} with email updates switched on"
    )
    return {
        "unsubscribe_url": unsubscribe_url(user=recipient),
        "unsubscribe_reason": reason,
        "email_settings_url": f"{settings.SITE_URL}{reverse('profiles:email_settings')}",
    }


def profile_of(user: User) -> Profile | None:
    """The person's profile: free when loaded with select_related, else one small query."""
    related = User.profile.related
    if related.is_cached(user):
        # None when select_related found no profile row.
        return cast("Profile | None", related.get_cached_value(user))
    return Profile.objects.filter(user_id=user.pk).first()


def _email_frequency(recipient: User) -> str:
    profile = profile_of(recipient)
    return profile.email_frequency if profile is not None else EmailFrequency.IMMEDIATELY


def notify(
    *,
    recipient: User,
    kind: str,
    key: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    send_email: bool = True,
    scheduled_at: datetime | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> Notification:
    """Record a message for a person, once per key, inside the caller's transaction.

    Delivery is published only after the surrounding transaction commits; if
    that publish fails (broker down), the periodic sweep sends it later.
    `attachments` are files sent with the email, as
    `{"filename", "mimetype", "content"}` (text) mappings.
    """
    if not get_kind(kind).templated:
        raise ValueError(f"Kind {kind!r} is pre-rendered; use its own service.")
    if url and not (url.startswith("/") and not url.startswith("//")):
        raise ValueError(f"Notification links are paths on this site, not {url!r}.")
    context = context or {}
    now = timezone.now()
    status = Status.PENDING if send_email else Status.SENT
    if send_email and not get_kind(kind).essential:
        frequency = _email_frequency(recipient)
        if frequency == EmailFrequency.ESSENTIALS:
            # Shown in the app only; this person asked for essential email alone.
            send_email, status = False, Status.SENT
        elif frequency == EmailFrequency.DAILY:
            # Waits for the person's daily digest (send_digests), not published now.
            status = Status.HELD
    render_context = _template_context(recipient, context, url)
    subject = " ".join(_render(kind, "subject.txt", render_context).split())
    body = _render(kind, "body.txt", render_context).strip()
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "context": context,
            "subject": subject[:255],
            "body": body,
            "url": url,
            "attachments": attachments or [],
            "send_email": send_email,
            "scheduled_at": scheduled_at or now,
            # In-app only: shown at once, nothing to send.
            "status": status,
            "sent_at": now if status == Status.SENT else None,
        },
    )
    if created and status == Status.PENDING and notification.scheduled_at <= now:
        transaction.on_commit(lambda: _publish_delivery(notification.pk), robust=True)
    return notification


def send_account_email(
    *, to: str, subject: str, body: str, html: str = "", user: User | None = None
) -> Notification:
    """Record an email rendered by django-allauth and send it through the outbox.

    Each call is its own logical message (a second reset request is a second
    email). The row is not shown in the notification list: it may hold a
    secret link meant only for the mailbox.
    """
    notification = Notification.objects.create(
        key=f"account:{uuid.uuid4()}",
        recipient=user,
        email=to,
        kind="account",
        subject=" ".join(subject.split())[:255],
        body=body,
        html_body=html,
        in_app=False,
    )
    transaction.on_commit(lambda: _publish_delivery(notification.pk), robust=True)
    return notification


def _publish_delivery(notification_id: int) -> None:
    from mentorship.notifications.tasks import deliver_notification

    deliver_notification.delay(notification_id)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: int | None = None


def _backoff(attempts: int) -> int:
    steps = settings.NOTIFICATION_RETRY_BACKOFF
    return int(steps[min(attempts, len(steps)) - 1])


def _message_id(notification: Notification) -> str:
    # Stable per logical message, so a receiving server can drop a duplicate
    # if a worker died between sending and recording it.
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:32]
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{digest}@{domain or 'localhost'}>"


def deliver_notification(*, notification_id: int) -> DeliveryOutcome:
    """Send one due notification by email, at most once.

    A worker claims the row with a conditional UPDATE (pending -> sending);
    whoever loses the claim does nothing, so running this twice sends once.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Status.PENDING, scheduled_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return DeliveryOutcome(status="skipped")

    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    claim = Notification.objects.filter(pk=notification_id, status=Status.SENDING)
    # Once an account email is finished with, its links (password reset, address
    # confirmation) are not kept: they are meant for the mailbox only.
    finished: dict[str, Any] = (
        {"body": "", "html_body": ""} if not get_kind(notification.kind).templated else {}
    )
    address = notification.email or (recipient.email if recipient else "")
    if not address or (recipient is not None and not recipient.is_active):
        claim.update(
            status=Status.CANCELLED, last_error="Recipient has no active email.", **finished
        )
        return DeliveryOutcome(status=Status.CANCELLED)
    # Account emails still go to a flagged address: a password reset or an
    # address confirmation may be how the person puts their mailbox right.
    bounce = bounced_address(address) if notification.kind != "account" else None
    if bounce is not None:
        claim.update(
            status=Status.CANCELLED,
            last_error=(
                f"Not sent: {bounce.email} bounced on {bounce.created_at:%Y-%m-%d} "
                f"({bounce.reason[:300]}). Staff can clear the address in the admin."
            ),
        )
        return DeliveryOutcome(status=Status.CANCELLED)

    kind = get_kind(notification.kind)
    try:
        text, html = notification.body, notification.html_body
        headers = {"Message-ID": _message_id(notification)}
        if not html and recipient is not None and kind.templated:
            context = _template_context(recipient, notification.context, notification.url)
            if kind.offers_unsubscribe:
                context |= _unsubscribe_context(recipient, notification.kind)
                headers |= unsubscribe_headers(user=recipient)
            html = _render(notification.kind, "body.html", context)
            if context["action_url"]:
                # In the app the item links itself; a text email needs the address.
                text = f"{text}\n\n{context['action_url']}"
            if kind.offers_unsubscribe:
                footer = _render("includes", "unsubscribe.txt", context).strip()
                text = f"{text}\n\n{footer}"
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers=headers,
        )
        if html:
            message.attach_alternative(html, "text/html")
        for attachment in notification.attachments:
            message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        message.send()
    except Exception as error:
        error_text = f"{type(error).__name__}: {error}"[:2000]
        if _is_transient(error) and notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
            retry_in = _backoff(notification.attempts)
            claim.update(
                status=Status.PENDING,
                last_error=error_text,
                scheduled_at=timezone.now() + timedelta(seconds=retry_in),
            )
            logger.warning(
                "Notification %s: transient error, retry in %ss: %s",
                notification_id,
                retry_in,
                error_text,
            )
            return DeliveryOutcome(status=Status.PENDING, retry_in=retry_in)
        claim.update(status=Status.FAILED, last_error=error_text, **finished)
        logger.error("Notification %s failed: %s", notification_id, error_text)
        if _is_bounce(error):
            _flag_address(address, notification=notification, reason=error_text)
            logger.warning("Address of notification %s flagged: it bounced", notification_id)
        return DeliveryOutcome(status=Status.FAILED)

    claim.update(status=Status.SENT, sent_at=timezone.now(), last_error="", **finished)
    return DeliveryOutcome(status=Status.SENT)


@dataclass(frozen=True)
class SweepResult:
    recovered: int
    delivered: int
    attempted: int


def sweep_notifications(*, batch_size: int = 200) -> SweepResult:
    """Deliver every due notification and recover rows a dead worker left in sending."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER)
    stuck = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=stuck_before)
    # A message that stopped its worker every time is not tried forever.
    stuck.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="The worker stopped while sending, every attempt."
    )
    recovered = stuck.update(status=Status.PENDING)
    due_ids = list(
        Notification.objects.due(now)
        .order_by("scheduled_at", "id")
        .values_list("id", flat=True)[:batch_size]
    )
    delivered = 0
    for notification_id in due_ids:
        if deliver_notification(notification_id=notification_id).status == Status.SENT:
            delivered += 1
    return SweepResult(recovered=recovered, delivered=delivered, attempted=len(due_ids))


def retry_notifications(*, notification_ids: list[int]) -> int:
    """Put failed or cancelled notifications back in the queue (admin action).

    Account emails are not resent: their text is gone, and their links may have
    expired; the person asks again (e.g. a new password-reset email).
    """
    return (
        Notification.objects.filter(
            pk__in=notification_ids,
            status__in=[Status.FAILED, Status.CANCELLED],
            send_email=True,
        )
        .exclude(kind="account")
        .update(status=Status.PENDING, scheduled_at=timezone.now(), attempts=0)
    )


def cancel_notifications(*, notification_ids: list[int]) -> int:
    """Stop notifications that have not been sent yet (admin action)."""
    return Notification.objects.filter(pk__in=notification_ids, status=Status.PENDING).update(
        status=Status.CANCELLED
    )


def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read (404 for anyone else's)."""
    from mentorship.notifications.selectors import get_notification_for_recipient

    notification = get_notification_for_recipient(user=user, pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.for_recipient(user).unread().update(read_at=timezone.now())


# --- Email frequency: the daily digest and releasing held rows ----------------------------


DIGEST_EXCERPT_CHARS = 240


def _excerpt(body: str) -> str:
    text = " ".join(body.split())
    if len(text) <= DIGEST_EXCERPT_CHARS:
        return text
    return text[: DIGEST_EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class DigestRun:
    digests: int
    items: int


def _digest_for(*, recipient: User, local_date: str, now: datetime) -> int:
    """One person's digest for one local day; returns how many held items it carried."""
    key = f"digest:{recipient.pk}:{local_date}"
    with transaction.atomic():
        # Rows another run is bundling right now are skipped, never taken twice;
        # rows held after this moment wait for tomorrow's digest.
        held = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient=recipient, status=Status.HELD, created_at__lte=now)
            .order_by("created_at", "id")
        )
        if not held or Notification.objects.filter(key=key).exists():
            # Nothing to send, or today's digest went already: the rest waits for tomorrow.
            return 0
        ids = [row.pk for row in held]
        items = [
            {
                "subject": row.subject,
                "excerpt": _excerpt(row.body),
                "url": f"{settings.SITE_URL}{row.url}" if row.url else "",
            }
            for row in held
        ]
        digest = notify(
            recipient=recipient,
            kind="digest",
            key=key,
            context={
                "count": len(items),
                "items": items,
                "ids": ids,
                "date": local_date,
                "settings_url": f"{settings.SITE_URL}{reverse('profiles:email_settings')}",
            },
            url=reverse("notifications:list"),
        )
        if digest.context.get("ids") != ids:
            # An overlapping run wrote today's digest with other rows first; ours
            # stay held (nothing lost) and go out tomorrow.
            transaction.set_rollback(True)
            return 0
        Notification.objects.filter(pk__in=ids, status=Status.HELD).update(
            status=Status.SENT, sent_at=now
        )
    return len(ids)


def send_digests(*, now: datetime | None = None) -> DigestRun:
    """Email each person their held notifications once a day, at DIGEST_HOUR their time."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(status=Status.HELD, created_at__lte=now)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    people = User.objects.filter(pk__in=waiting, is_active=True).select_related("profile")
    digests = items = 0
    for person in people:
        profile = profile_of(person)
        zone = ZoneInfo(profile.time_zone if profile is not None else "UTC")
        local = now.astimezone(zone)
        if local.hour < settings.DIGEST_HOUR:
            continue
        carried = _digest_for(recipient=person, local_date=local.date().isoformat(), now=now)
        if carried:
            digests += 1
            items += carried
    return DigestRun(digests=digests, items=items)


@transaction.atomic
def release_held(*, user: User, email: bool) -> int:
    """Let go of a person's held notifications: email them now, or keep them in the app only."""
    now = timezone.now()
    held = Notification.objects.select_for_update().filter(recipient=user, status=Status.HELD)
    ids = list(held.values_list("id", flat=True))
    if not ids:
        return 0
    rows = Notification.objects.filter(pk__in=ids, status=Status.HELD)
    if not email:
        return rows.update(status=Status.SENT, send_email=False, sent_at=now)
    released = rows.update(status=Status.PENDING, scheduled_at=now)
    for notification_id in ids:
        transaction.on_commit(
            lambda pk=notification_id: _publish_delivery(pk),  # type: ignore[misc]
            robust=True,
        )
    return released
