"""Browse mentors (htmx filters) and one mentor's fit. Reads through selectors only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from matching.forms import MentorFilterForm, filter_options
from matching.models import Program
from matching.selectors import MentorFilters, get_mentor_match, rank_mentors
from mentorship.types import AuthenticatedHttpRequest
from profiles.availability import Window, week_start_for, windows_in_viewer_zone
from profiles.selectors import get_public_profile

PAGE_SIZE = 10


def _page_number(request: AuthenticatedHttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_safe
@vary_on_headers("HX-Request")
def browse(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MentorFilterForm(request.GET or None)
    filters = MentorFilters()
    if form.is_bound:
        form.is_valid()
        # A mistyped filter is shown with its error; the valid ones still apply.
        filters = form.filters()
    page = rank_mentors(
        user=request.user, filters=filters, page=_page_number(request), page_size=PAGE_SIZE
    )
    programs = list(Program.objects.only("slug", "name").order_by("name"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "filtered": form.is_filtered(),
        "viewer_zone": page.facts.time_zone,
        "gaps": page.matches[0].explanation.inactive if page.matches else [],
        "options": filter_options(page.vocab, form, programs),
        "filter_errors": [
            f"{form.fields[name].label or name}: {' '.join(str(e) for e in errors)}"
            for name, errors in (form.errors.items() if form.is_bound else [])
        ],
        "has_programs": bool(programs),
        # Each card links to browse_url + id + mentor_url_end: one reverse() and one
        # programme check per page, not per card.
        "browse_url": reverse("matching:browse"),
        "mentor_url_end": (
            "/?" + urlencode({"program": filters.program.slug}) if filters.program else "/"
        ),
        "availability_url": reverse("profiles:availability"),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "matching/_results.html", context)
    return render(request, "matching/browse.html", context)


@login_required
@require_safe
def mentor(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    if mentor_id == request.user.pk:
        return redirect("profiles:public", user_id=mentor_id)
    form = MentorFilterForm(request.GET or None)
    program = form.cleaned_data.get("program") if form.is_bound and form.is_valid() else None
    match = get_mentor_match(user=request.user, mentor_id=mentor_id, program=program)
    profile = get_public_profile(viewer=request.user, user_id=mentor_id)
    viewer_zone = timezone.get_current_timezone_name()
    windows = [Window(w.weekday, w.start_minute, w.end_minute) for w in profile.availability.all()]
    return render(
        request,
        "matching/mentor.html",
        {
            "match": match,
            "explanation": match.explanation,
            "profile": profile,
            "person": profile.user,
            "program": program,
            "availability": windows_in_viewer_zone(
                windows, profile.time_zone, viewer_zone, week_start_for(timezone.now())
            ),
            "viewer_zone": viewer_zone,
        },
    )
