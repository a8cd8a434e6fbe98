"""The staff reports page, its CSV, and the one-click nudge of a pair at risk."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from matching.models import Mentorship, Program
from matching.reports import (
    Report,
    ReportFilters,
    build_report,
    chart_bars,
    chart_rows,
    default_filters,
)
from mentorship.exceptions import DomainError
from sessions_app.services.nudges import nudge_pair, nudged_today

MAX_RANGE_DAYS = 3 * 366


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only: others are sent to log in, signed-in non-staff get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("The reports are for programme staff.")
        return view(request, *args, **kwargs)

    return wrapper


class ReportFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("name"),
        required=False,
        empty_label="All programmes",
        to_field_name="slug",
        label="Programme",
        widget=forms.Select(attrs={"class": "input"}),
    )
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date", "class": "input"})
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date", "class": "input"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day comes after the first.")
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("start", "Pick a range of at most three years.")
        return data


def _filters(request: HttpRequest) -> tuple[ReportFilterForm, ReportFilters]:
    """The filters from the address, or the last 90 days of everything."""
    today = timezone.localdate()
    fallback = default_filters(today=today)
    data = request.GET.copy()
    data.setdefault("start", fallback.start.isoformat())
    data.setdefault("end", fallback.end.isoformat())
    form = ReportFilterForm(data)
    if form.is_valid():
        clean = form.cleaned_data
        return form, ReportFilters(clean["program"], clean["start"], clean["end"])
    return form, fallback


def _context(request: HttpRequest) -> dict[str, Any]:
    form, filters = _filters(request)
    now = timezone.now()
    report = build_report(filters=filters, now=now)
    nudged = nudged_today(mentorships=[row.mentorship for row in report.at_risk], now=now)
    return {
        "form": form,
        "report": report,
        "filters": filters,
        "figures": report.figures,
        "weekly_chart": chart_bars(report.weekly, width=900),
        "health_chart": chart_rows(report.health),
        "outcome_chart": chart_rows(report.outcomes),
        "nudged": nudged,
        "query": request.GET.urlencode(),
    }


@staff_required
def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/reports.html", _context(request))


def _safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write_csv(response: HttpResponse, report: Report) -> None:
    writer = csv.writer(response)
    filters = report.filters
    programme = filters.program.name if filters.program else "All programmes"
    writer.writerow(["programme", "from", "to"])
    writer.writerow([_safe(programme), filters.start.isoformat(), filters.end.isoformat()])
    writer.writerow([])
    writer.writerow(["figure", "value", "shown as", "detail", "definition"])
    for figure in report.figures:
        value = "" if figure.value is None else round(figure.value, 4)
        writer.writerow(
            [figure.key, value, _safe(figure.display), _safe(figure.detail), figure.definition]
        )
    for bar in report.health:
        writer.writerow(
            [f"health_{bar.key}", bar.value, bar.value, "", f"Live mentorships: {bar.label}"]
        )
    writer.writerow([])
    writer.writerow(["at risk: mentorship", "mentee", "mentor", "started", "reasons"])
    for row in report.at_risk:
        m = row.mentorship
        writer.writerow(
            [
                m.pk,
                _safe(m.mentee.display_name),
                _safe(m.mentor.display_name),
                m.started_at.date().isoformat(),
                _safe(" ".join(row.health.reasons)),
            ]
        )


@staff_required
def reports_csv(request: HttpRequest) -> HttpResponse:
    _, filters = _filters(request)
    report = build_report(filters=filters, now=timezone.now())
    name = filters.program.slug if filters.program else "all"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="report-{name}-{filters.start}-{filters.end}.csv"'
    )
    _write_csv(response, report)
    return response


@staff_required
@require_POST
def reports_nudge(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = get_object_or_404(
        Mentorship.objects.select_related("mentee", "mentor"), pk=mentorship_id
    )
    error = ""
    try:
        nudge_pair(mentorship=mentorship, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        error = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "matching/_report_nudge.html",
            {"mentorship": mentorship, "error": error, "done": True},
        )
    if error:
        messages.error(request, error)
    else:
        mentee, mentor = mentorship.mentee.get_short_name(), mentorship.mentor.get_short_name()
        messages.success(request, f"Nudged {mentee} and {mentor}.")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/staff/reports/") else "reports")
