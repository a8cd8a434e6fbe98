"""The one-click unsubscribe from non-essential emails (RFC 8058), signed link, no log-in.

Kept apart from profiles/views.py: the page is reached from a mailbox, by the
person or by their mail client, and the signed link is the only credential.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mentorship.exceptions import RuleViolation
from mentorship.notifications.services import profile_of
from mentorship.notifications.unsubscribe import user_for_unsubscribe_token
from profiles import services
from profiles.models import EmailFrequency


# Mail clients POST "List-Unsubscribe=One-Click" with no CSRF token and no cookies;
# the signed token in the address is what proves the request comes from the mailbox.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link asks once (mail scanners follow links); the POST unsubscribes."""
    try:
        person = user_for_unsubscribe_token(token=token)
    except RuleViolation as problem:
        return render(request, "profiles/unsubscribe.html", {"error": problem.message}, status=400)
    if request.method == "POST":
        services.set_email_frequency(user=person, frequency=EmailFrequency.ESSENTIALS)
        return render(request, "profiles/unsubscribe.html", {"person": person, "done": True})
    # Read only: a GET writes nothing, not even an empty profile.
    profile = profile_of(person)
    already = profile is not None and profile.email_frequency == EmailFrequency.ESSENTIALS
    return render(request, "profiles/unsubscribe.html", {"person": person, "already": already})
