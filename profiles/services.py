from django.urls import reverse

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
