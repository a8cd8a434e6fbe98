"""Middleware for trust: private pages stay out of caches, browser features the
platform never uses are switched off, and staff can be held to a second factor."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

# Camera, microphone, location, payment...: nothing here asks for them, so no
# injected script or embedded page can either.
UNUSED_FEATURES = (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb", "browsing-topics",
)  # fmt: skip
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in UNUSED_FEATURES)


class PrivacyHeadersMiddleware:
    """A page shown to a signed-in person is theirs: `Cache-Control: private,
    no-store` keeps it out of shared proxies and out of the browser's back-button
    cache after log-out. Public pages keep whatever caching their view chose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class StaffSecondFactorMiddleware:
    """With `MFA_REQUIRED_FOR_STAFF`, a staff member without a second factor is sent
    to enrol one before the admin or the staff pages open (their own account pages,
    log-out and the enrolment itself stay reachable)."""

    GUARDED = ("/admin/", "/staff/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(self.GUARDED)
            and not request.path.startswith(reverse("admin:logout"))
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                "Staff accounts need a second factor. Set up an authenticator app to "
                "continue to the admin.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
