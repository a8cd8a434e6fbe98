from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.urls import reverse

from mentorship.notifications.services import send_account_email
from profiles.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data.get("name", "").strip()
        if commit:
            user.save()
        return user

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """A new person goes straight into the onboarding wizard."""
        return reverse("profiles:onboarding_roles")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's email as allauth does, then send it through the outbox.

        Sign-up or a reset request then never waits on (or fails with) the mail
        server, and a mail outage delays the email instead of losing it.
        """
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, full_context)
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (
                    str(content)
                    for content, mimetype in message.alternatives
                    if mimetype == "text/html"
                ),
                "",
            )
        user = context.get("user")
        send_account_email(
            to=email,
            subject=message.subject,
            body=message.body,
            html=html,
            user=user if isinstance(user, User) else None,
        )
