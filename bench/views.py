"""A plain paginated list of mentors: what a well-written Django list page costs."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from profiles.models import Profile

PAGE_SIZE = 20


@login_required
@require_safe
def plain_mentors(request: HttpRequest) -> HttpResponse:
    mentors = Profile.objects.filter(is_mentor=True).select_related("user").order_by("pk")
    page = Paginator(mentors, PAGE_SIZE).get_page(1)
    return render(request, "bench/plain_mentors.html", {"page": page})
