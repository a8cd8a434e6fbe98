"""Reactions to django-allauth's account signals (allauth's models, not ours)."""

from typing import Any

from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.http import HttpRequest

from profiles.models import User
from profiles.services import welcome_new_member


@receiver(user_signed_up, dispatch_uid="profiles.welcome_new_member")
def on_user_signed_up(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    welcome_new_member(user=user)
