from django.contrib import admin

from sessions_app.admin_checkins import CheckInAdmin
from sessions_app.admin_closing import ReflectionAdmin
from sessions_app.models import CheckIn, Reflection, Session, SessionOption


class SessionOptionInline(admin.TabularInline[SessionOption, Session]):
    model = SessionOption
    extra = 0
    fields = ("starts_at",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin[Session]):
    # Private notes are deliberately not shown: only their author sees them.
    list_display = ("id", "mentorship", "status", "starts_at", "duration_minutes", "created_at")
    list_filter = ("status", "starts_at", "created_at")
    search_fields = (
        "mentorship__mentee__email",
        "mentorship__mentee__name",
        "mentorship__mentor__email",
        "mentorship__mentor__name",
        "agenda",
    )
    list_select_related = ("mentorship__mentee", "mentorship__mentor")
    raw_id_fields = ("mentorship", "proposed_by", "cancelled_by", "no_show_of")
    readonly_fields = ("uid", "sequence", "created_at", "updated_at")
    date_hierarchy = "starts_at"
    inlines = (SessionOptionInline,)


admin.site.register(CheckIn, CheckInAdmin)
admin.site.register(Reflection, ReflectionAdmin)
