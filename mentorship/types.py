from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from profiles.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `login_required` view receives: a real user, htmx details."""

    user: User
    htmx: HtmxDetails
