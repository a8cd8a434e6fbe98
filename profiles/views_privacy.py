"""Your data: download everything of yours as JSON, or delete your account."""

from __future__ import annotations

import json

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mentorship.types import AuthenticatedHttpRequest
from profiles import privacy


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label="Type DELETE to confirm",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != "DELETE":
            raise forms.ValidationError("Type the word DELETE to confirm.")
        return value


@login_required
@require_GET
def your_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "profiles/data.html", {})


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = privacy.export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="mentorship-data-{stamp}.json"'
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Re-authenticated (allauth asks for the password again if it has been a while),
    then the word DELETE: the account and its personal data go at once."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.delete_account(user=request.user)  # type: ignore[arg-type]
        logout(request)
        messages.success(
            request,
            "Your account is deleted. Your personal data is gone; the people you worked "
            "with now see “a former member” in their history.",
        )
        return redirect("home")
    return render(request, "profiles/delete_account.html", {"form": form})
