"""What every admin action does with the rows it is given: call a service per row, say
what happened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from mentorship.exceptions import DomainError


def run_each(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    rows: Iterable[Any],
    act: Callable[[Any], bool | None],
    *,
    done: str,
) -> None:
    """Call `act(row)` for each selected row; one message for what changed, one per refusal.

    `act` returns False for a row it had nothing to do for; a DomainError is
    shown with the row it was about, and the other rows still go ahead.
    """
    changed = skipped = 0
    for row in rows:
        try:
            if act(row) is False:
                skipped += 1
            else:
                changed += 1
        except DomainError as error:
            model_admin.message_user(request, f"{row}: {error.message}", messages.ERROR)
    if changed:
        model_admin.message_user(request, done.format(count=changed), messages.SUCCESS)
    if skipped:
        model_admin.message_user(
            request, f"{skipped} left as they were (nothing to do).", messages.WARNING
        )
