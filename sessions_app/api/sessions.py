"""The sessions API: the person's sessions across their mentorships, and every change.

- `sessions/` lists (paginated, newest first) and `sessions/{id}/` reads one;
  anyone outside the mentorship gets 404, the same as for a missing id;
- `POST sessions/` proposes 1-5 times; `confirm/` (the other person), `reschedule/`,
  `cancel/`, `complete/`, `no-show/`, `notes/`, `private-note/`;
- `ics/` is the calendar invite, on the caller's own clock.

The services check the rules; a rule break answers 400, a state that forbids
the change 409 (`mentorship.api.exception_handler`). `private_note` is only
ever the caller's own note.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from matching.models import Mentorship
from mentorship.api import VisibleFirstMixin
from mentorship.exceptions import Conflict
from profiles.models import User
from sessions_app import ics
from sessions_app.models import Session, SessionOption
from sessions_app.selectors.sessions import list_sessions_for_participant, zone_of
from sessions_app.services import sessions as services


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@contextmanager
def _not_found() -> Iterator[None]:
    """Someone else's session or mentorship, or no such id: one and the same 404."""
    try:
        yield
    except (Http404, Session.DoesNotExist, Mentorship.DoesNotExist) as error:
        raise NotFound() from error


@extend_schema_field(
    {"type": "string", "enum": Session.Status.values}, component_name="SessionStatus"
)
class SessionStatusField(serializers.ChoiceField):
    pass


class OptionSerializer(serializers.ModelSerializer[SessionOption]):
    class Meta:
        model = SessionOption
        fields = ("id", "starts_at")


class SessionPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class SessionSerializer(serializers.ModelSerializer[Session]):
    """A session as either person in it sees it; `private_note` is the caller's own only."""

    mentee = SessionPersonSerializer(source="mentorship.mentee", read_only=True)
    mentor = SessionPersonSerializer(source="mentorship.mentor", read_only=True)
    status = SessionStatusField(choices=Session.Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True, allow_null=True)
    options = OptionSerializer(many=True, read_only=True)
    proposed_by = serializers.IntegerField(source="proposed_by_id", read_only=True, allow_null=True)
    cancelled_by = serializers.IntegerField(
        source="cancelled_by_id", read_only=True, allow_null=True
    )
    no_show_of = serializers.IntegerField(source="no_show_of_id", read_only=True, allow_null=True)
    private_note = serializers.SerializerMethodField(
        help_text="Your own private note on this session; nobody else ever sees it."
    )
    url = serializers.SerializerMethodField(help_text="The session's page on the site.")

    class Meta:
        model = Session
        fields = (
            "id",
            "mentorship",
            "status",
            "status_label",
            "mentee",
            "mentor",
            "proposed_by",
            "options",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "location",
            "agenda",
            "shared_notes",
            "sequence",
            "confirmed_at",
            "completed_at",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "no_show_of",
            "private_note",
            "url",
        )
        read_only_fields = fields

    def get_private_note(self, session: Session) -> str:
        notes = getattr(session, "my_notes", [])
        return notes[0].body if notes else ""

    def get_url(self, session: Session) -> str:
        return reverse("sessions_app:session", args=[session.pk])


class ProposeSerializer(serializers.Serializer[Any]):
    mentorship = serializers.IntegerField()
    starts = serializers.ListField(
        child=serializers.DateTimeField(),
        min_length=1,
        max_length=services.MAX_OPTIONS,
        help_text="1-5 ISO 8601 times with an offset (e.g. 2027-03-30T16:00:00Z).",
    )
    duration_minutes = serializers.IntegerField(
        min_value=services.MIN_MINUTES, max_value=services.MAX_MINUTES
    )
    agenda = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    location = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class StartsSerializer(serializers.Serializer[Any]):
    starts = serializers.ListField(
        child=serializers.DateTimeField(), min_length=1, max_length=services.MAX_OPTIONS
    )


class ConfirmSerializer(serializers.Serializer[Any]):
    option = serializers.IntegerField(help_text="The id of one of the session's `options`.")


class CancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class NoShowSerializer(serializers.Serializer[Any]):
    absent = serializers.IntegerField(help_text="The user id of who missed it (mentee or mentor).")


class NotesSerializer(serializers.Serializer[Any]):
    agenda = serializers.CharField(allow_blank=True, max_length=4000)
    shared_notes = serializers.CharField(allow_blank=True, max_length=10000)


class PrivateNoteSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(
        allow_blank=True, max_length=10000, help_text="Empty removes your note."
    )


class CalendarRenderer(BaseRenderer):
    media_type = ics.MIMETYPE
    format = "ics"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        # Only an error reaches a renderer here (the invite is an HttpResponse): the
        # usual {"detail", "code"} body, for a caller that accepts text/calendar only.
        return (data if isinstance(data, str) else json.dumps(data)).encode()


@extend_schema(tags=["sessions"])
@extend_schema_view(
    list=extend_schema(summary="Your sessions in all your mentorships, newest first"),
    retrieve=extend_schema(summary="One of your sessions (404 for anyone else's)"),
)
class SessionViewSet(
    VisibleFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Session],
):
    """Sessions: proposed (1-5 times) -> confirmed -> completed | missed, or cancelled.

    Either person in a live mentorship acts; the proposer's partner confirms one
    time (the proposer cannot), confirming the same time twice changes nothing,
    and a paused mentorship books nothing new (409).
    """

    serializer_class = SessionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Session]:
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        return list_sessions_for_participant(user=_user(self.request))

    def get_object(self) -> Session:
        with _not_found():
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))

    def _answer(self, session_id: int, code: int = status.HTTP_200_OK) -> Response:
        self.kwargs["pk"] = session_id
        return Response(self.get_serializer(self.get_object()).data, status=code)

    @extend_schema(
        summary="Propose a session: 1-5 times",
        request=ProposeSerializer,
        responses={201: SessionSerializer},
    )
    def create(self, request: Request) -> Response:
        """Propose times in one of your mentorships; the other person confirms one.
        400 for past or repeated times, 409 when the mentorship is paused or closed."""
        body = ProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with _not_found():
            session = services.propose_session(
                user=_user(request),
                mentorship_id=data["mentorship"],
                starts=data["starts"],
                duration_minutes=data["duration_minutes"],
                agenda=data["agenda"],
                location=data["location"],
            )
        return self._answer(session.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confirm one proposed time (the other person)",
        request=ConfirmSerializer,
        responses={200: SessionSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Both get the invite by email. 400 for your own proposal or a time not offered;
        409 once confirmed for another time or cancelled; the same time again is a no-op."""
        body = ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.confirm_session(
                user=_user(request), session_id=int(pk), option_id=body.validated_data["option"]
            )
        return self._answer(int(pk))

    @extend_schema(
        summary="Propose new times (back to proposed)",
        request=StartsSerializer,
        responses={200: SessionSerializer},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        """New options replace the old; the calendar `sequence` grows; the other confirms."""
        body = StartsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.reschedule_session(
                user=_user(request), session_id=int(pk), starts=body.validated_data["starts"]
            )
        return self._answer(int(pk))

    @extend_schema(
        summary="Cancel, with an optional reason",
        request=CancelSerializer,
        responses={200: SessionSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """A confirmed session sends both a calendar CANCEL. 409 once held or missed."""
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.cancel_session(
                user=_user(request), session_id=int(pk), reason=body.validated_data["reason"]
            )
        return self._answer(int(pk))

    @extend_schema(summary="Mark as held (after it started)", request=None)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        with _not_found():
            services.complete_session(user=_user(request), session_id=int(pk))
        return self._answer(int(pk))

    @extend_schema(
        summary="Mark as missed by one of you (after it started)",
        request=NoShowSerializer,
        responses={200: SessionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request: Request, pk: str) -> Response:
        body = NoShowSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.mark_no_show(
                user=_user(request),
                session_id=int(pk),
                absent_user_id=body.validated_data["absent"],
            )
        return self._answer(int(pk))

    @extend_schema(
        summary="Save the agenda and shared notes",
        request=NotesSerializer,
        responses={200: SessionSerializer},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        body = NotesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.update_session_notes(
                user=_user(request), session_id=int(pk), **body.validated_data
            )
        return self._answer(int(pk))

    @extend_schema(
        summary="Save your private note (only you see it)",
        request=PrivateNoteSerializer,
        responses={200: SessionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="private-note")
    def private_note(self, request: Request, pk: str) -> Response:
        body = PrivateNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.save_private_note(
                user=_user(request), session_id=int(pk), body=body.validated_data["body"]
            )
        return self._answer(int(pk))

    @extend_schema(
        summary="The calendar invite (.ics), on your own clock",
        responses={
            (200, ics.MIMETYPE): OpenApiResponse(
                OpenApiTypes.STR, description="iCalendar text with VTIMEZONE."
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        # JSON first: errors answer as JSON unless the caller asks for text/calendar only.
        renderer_classes=[JSONRenderer, CalendarRenderer],
    )
    def ics(self, request: Request, pk: str) -> HttpResponse:
        """409 while no time is agreed."""
        session = self.get_object()
        if session.starts_at is None:
            raise Conflict("The invite is ready once a time is confirmed.")
        mentorship = session.mentorship
        mine = mentorship.mentor if mentorship.mentor_id == request.user.pk else mentorship.mentee
        body = ics.session_calendar(
            session,
            time_zone=zone_of(mine),
            now=timezone.now(),
            cancelled=session.status == Session.Status.CANCELLED,
        )
        response = HttpResponse(body, content_type=f"{ics.MIMETYPE}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{ics.invite_filename(session)}"'
        return response
