"""Reactions to django-allauth's account signals (allauth's models, not ours)."""

from typing import Any

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from profiles.middleware import SESSION_KEY
from profiles.models import Profile, User
from profiles.services import ensure_profile, welcome_new_member


@receiver(user_signed_up, dispatch_uid="profiles.welcome_new_member")
def on_user_signed_up(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    ensure_profile(user=user)
    welcome_new_member(user=user)


@receiver(user_logged_in, dispatch_uid="profiles.remember_time_zone")
def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    # Pages show times in the person's zone; keep it in the session from the start.
    if request is not None and hasattr(request, "session"):
        zone = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
        request.session[SESSION_KEY] = zone or "UTC"
