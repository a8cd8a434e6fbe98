"""Programmes in the admin: settings, their people, and the pair rules of bulk matching."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join

from matching.models import Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ("name", "slug", "kind", "weights_summary", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("effective_weights", "created_at")
    fields = (
        "name", "slug", "kind", "description", "weights", "effective_weights",
        "max_open_requests", "request_reminder_days", "request_expiry_days", "created_at",
    )  # fmt: skip

    @admin.display(description="Weights")
    def weights_summary(self, program: Program) -> str:
        if not program.weights:
            return "Defaults"
        return ", ".join(f"{label} {percent}%" for label, percent in program.weight_shares())

    @admin.display(description="Weights in use")
    def effective_weights(self, program: Program) -> str:
        return format_html_join(
            "",
            "<div>{}: {}%</div>",
            ((label, percent) for label, percent in program.weight_shares()),
        )
