from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mentorship import health
from mentorship.notifications.selectors import list_notifications_for_recipient
from mentorship.types import AuthenticatedHttpRequest


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "pages/home.html")


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    recent = list_notifications_for_recipient(user=request.user)[:5]
    return render(request, "pages/dashboard.html", {"recent_notifications": recent})


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
