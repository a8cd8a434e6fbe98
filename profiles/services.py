from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from mentorship.exceptions import LimitReached, RuleViolation
from mentorship.notifications.services import notify
from profiles.models import User


def welcome_new_member(*, user: User) -> None:
    """Greet a person who just joined, by email and in the app, exactly once."""
    notify(
        recipient=user,
        kind="welcome",
        key=f"welcome:{user.pk}",
        context={"name": user.display_name},
        url=reverse("dashboard"),
    )


def issue_api_token(*, request: HttpRequest, email: str, password: str) -> Token:
    """Give an API token to a person who could log in on the web with these credentials.

    The same rules as the log-in page: allauth's failed-attempt limits (per
    account and per address) and, when verification is mandatory, a confirmed
    email address.
    """
    try:
        user = get_adapter(request).authenticate(request, email=email, password=password)
    except ValidationError:
        window = max(
            rate.duration for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
        )
        raise LimitReached(
            "Too many failed log-in attempts. Wait a few minutes, or reset your password.",
            retry_after=int(window),
            code="too_many_attempts",
        ) from None
    if user is None or not user.is_active:
        # The same answer for an unknown email and a wrong password.
        raise RuleViolation("Email or password is not correct.", code="invalid_credentials")
    if (
        settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
        and not EmailAddress.objects.filter(user=user, verified=True).exists()
    ):
        raise RuleViolation(
            "Confirm your email address first: follow the link we emailed you.",
            code="email_not_verified",
        )
    token, _ = Token.objects.get_or_create(user=user)
    return token
