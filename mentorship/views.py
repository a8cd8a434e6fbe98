from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found

from matching.models import MentorshipRequest
from matching.selectors import (
    MentorFilters,
    list_requests_received,
    list_sent_requests,
    rank_mentors,
)
from matching.views_inbox import mentorship_rows, waited
from mentorship import health
from mentorship.notifications.selectors import list_notifications_for_recipient
from mentorship.types import AuthenticatedHttpRequest
from profiles import selectors as profile_selectors
from sessions_app.selectors import dashboard as rhythm
from sessions_app.selectors.sessions import upcoming_sessions_for_user


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; under /api/ the API's own JSON error, as its schema documents."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "pages/home.html")


# Requests waiting for a mentor's answer shown on the dashboard (the rest: the inbox).
WAITING_SHOWN = 5


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    recent = list_notifications_for_recipient(user=request.user)[:5]
    profile = profile_selectors.get_own_profile(user=request.user)
    has_goals, has_persona = profile_selectors.has_goals_and_persona(user=request.user)
    steps = profile_selectors.completeness(
        profile=profile, has_goals=has_goals, has_persona=has_persona
    )
    done = sum(step.done for step in steps)
    top_matches = None
    sent_requests = []
    waiting: list[MentorshipRequest] = []
    if profile.is_mentee:
        top_matches = rank_mentors(user=request.user, filters=MentorFilters(), page_size=3)
        sent_requests = list(list_sent_requests(user=request.user)[:5])
    if profile.is_mentor:
        # One more than shown, to know whether the inbox holds more.
        waiting = list(
            list_requests_received(user=request.user).prefetch_related(None)[: WAITING_SHOWN + 1]
        )
    live = [
        row for row in mentorship_rows(request.user, with_health=True) if row.mentorship.is_live
    ]
    now = timezone.now()
    agenda = {}
    if live:
        agenda = {
            "next_sessions": upcoming_sessions_for_user(user=request.user, now=now),
            "sessions_to_answer": rhythm.sessions_to_answer(user=request.user),
            "checkins": rhythm.checkin_duties(user=request.user, today=timezone.localdate(now)),
        }
    return render(
        request,
        "pages/dashboard.html",
        {
            "recent_notifications": recent,
            "profile": profile,
            "steps": steps,
            "missing_steps": [step for step in steps if not step.done],
            "percent_complete": round(100 * done / len(steps)),
            "next_step": next((step for step in steps if not step.done), None),
            "top_matches": top_matches,
            "sent_requests": sent_requests,
            "waiting": [(item, waited(item)) for item in waiting[:WAITING_SHOWN]],
            "more_waiting": len(waiting) > WAITING_SHOWN,
            "live_mentorships": live,
            "goal_progress": rhythm.goal_progress(user=request.user) if profile.is_mentee else [],
            **agenda,
        },
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    healthy = all(problem is None for problem in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
