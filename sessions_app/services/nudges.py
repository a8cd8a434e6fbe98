"""A coordinator's nudge to a pair that needs help: both people hear from us once a day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.exceptions import Conflict
from mentorship.notifications.models import Notification
from mentorship.notifications.services import notify
from profiles.models import User
from sessions_app.selectors.health import health_for_mentorships


def nudge_key(mentorship_id: int, day: str, person_id: int) -> str:
    return f"nudge:{mentorship_id}:{day}:{person_id}"


def nudged_today(*, mentorships: Sequence[Mentorship], now: datetime) -> set[int]:
    """Which of these mentorships a coordinator already nudged today (one query)."""
    day = now.date().isoformat()
    keys = {nudge_key(m.pk, day, m.mentee_id): m.pk for m in mentorships}
    if not keys:
        return set()
    found = Notification.objects.filter(key__in=list(keys)).values_list("key", flat=True)
    return {keys[key] for key in found}


def nudge_pair(*, mentorship: Mentorship, by: User, now: datetime | None = None) -> None:
    """Tell both people, kindly and specifically, that their mentorship needs a moment."""
    now = now or timezone.now()
    day = now.date().isoformat()
    with transaction.atomic():
        # Serialises two coordinators clicking at once: the second sees the first's rows.
        locked = (
            Mentorship.objects.select_for_update()
            .select_related("mentee", "mentor")
            .get(pk=mentorship.pk)
        )
        if not locked.is_live:
            raise Conflict("This mentorship has ended; there is nobody to nudge.")
        if Notification.objects.filter(key=nudge_key(locked.pk, day, locked.mentee_id)).exists():
            raise Conflict("This pair was already nudged today.")
        health = health_for_mentorships([locked], now=now)[locked.pk]
        url = reverse("matching:mentorship", args=[locked.pk])
        for person, other in ((locked.mentee, locked.mentor), (locked.mentor, locked.mentee)):
            notify(
                recipient=person,
                kind="pair_nudged",
                key=nudge_key(locked.pk, day, person.pk),
                context={
                    "other_name": other.display_name,
                    "other_short": other.get_short_name(),
                    "is_mentee": person.pk == locked.mentee_id,
                    "reasons": health.reasons,
                    "coordinator": by.get_short_name(),
                },
                url=url,
            )
