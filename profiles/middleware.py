from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from profiles.availability import is_valid_time_zone

SESSION_KEY = "profile_time_zone"


class TimeZoneMiddleware:
    """Show times in the viewer's own zone.

    The zone is read from the profile once and kept in the session, so pages do
    not pay a query for it; `remember_time_zone` refreshes it when it changes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone_name = None
        if request.user.is_authenticated:
            zone_name = request.session.get(SESSION_KEY)
            if zone_name is None:
                from profiles.models import Profile

                zone_name = (
                    Profile.objects.filter(user=request.user)
                    .values_list("time_zone", flat=True)
                    .first()
                ) or "UTC"
                request.session[SESSION_KEY] = zone_name
        if zone_name and is_valid_time_zone(zone_name):
            timezone.activate(ZoneInfo(zone_name))
        else:
            timezone.deactivate()
        return self.get_response(request)


def remember_time_zone(request: HttpRequest, zone_name: str) -> None:
    request.session[SESSION_KEY] = zone_name
    timezone.activate(ZoneInfo(zone_name))
