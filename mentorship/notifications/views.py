from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.notifications import selectors, services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.list_notifications_for_recipient(user=request.user)
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.mark_read(user=request.user, notification_id=pk)
    if request.htmx:
        return render(request, "notifications/_item.html", {"notification": notification})
    if notification.url and request.POST.get("open"):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    return redirect("notifications:list")
