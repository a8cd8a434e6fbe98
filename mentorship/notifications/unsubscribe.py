"""The one-click unsubscribe link in non-essential emails (RFC 8058).

The link carries a signed user id and nothing else: the signature (with its own
salt, so no other signed value of the site fits here) is the credential, so it
works from the mailbox without logging in. It does not expire (an unsubscribe
link in an old email must still work), so it carries no timestamp either: each
person has one link, the same in every email. Opening it changes nothing (mail scanners
follow links); a POST, the button or the mail client's one-click request,
moves the person to "only essential emails".
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from mentorship.exceptions import RuleViolation
from profiles.models import User

UNSUBSCRIBE_SALT = "mentorship.notifications.unsubscribe"


def unsubscribe_url(*, user: User) -> str:
    """The absolute one-click unsubscribe address for this person."""
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(user.pk)
    return f"{settings.SITE_URL}{reverse('profiles:unsubscribe', args=[token])}"


def unsubscribe_headers(*, user: User) -> dict[str, str]:
    """The List-Unsubscribe headers that let a mail client offer its own button."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user=user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def user_for_unsubscribe_token(*, token: str) -> User:
    """The person an unsubscribe link was made for; RuleViolation when it is forged."""
    invalid = RuleViolation(
        "This unsubscribe link is not valid. It may have been cut short when it was "
        "copied; open it from the email again, or log in and change your email settings.",
        code="link_invalid",
    )
    try:
        user_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature as error:
        raise invalid from error
    if type(user_id) is not int:
        raise invalid
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise RuleViolation(
            "This unsubscribe link is for an account that no longer exists.", code="link_invalid"
        )
    return user
