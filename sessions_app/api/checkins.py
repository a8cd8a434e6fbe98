"""The check-ins API: `checkins/` of the person's mentorships, from both sides.

The mentee creates one; the mentor acknowledges it (`acknowledge/`). Anyone
else's check-in or mentorship is 404; the wrong side of a mentorship is 403;
rule breaks answer 400 (milestones of someone else's goals) or 409 (a paused
mentorship, the same form token twice).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from matching.models import Mentorship
from mentorship.api import MAX_ID, VisibleFirstMixin
from mentorship.exceptions import DomainError
from profiles.models import Milestone, User
from sessions_app.models import CheckIn
from sessions_app.selectors import checkins as selectors
from sessions_app.services import checkins as services

WRONG_SIDE = {"mentee_only", "mentor_only"}


class CheckInMilestoneSerializer(serializers.ModelSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = ("id", "title", "goal")


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    milestones = CheckInMilestoneSerializer(source="milestones_done", many=True, read_only=True)
    is_acknowledged = serializers.BooleanField(read_only=True)

    class Meta:
        model = CheckIn
        fields = (
            "id", "mentorship", "author", "due_on", "progress", "wins", "blockers",
            "next_steps", "milestones", "mentor_comment", "is_acknowledged", "acknowledged_at",
            "created_at",
        )  # fmt: skip
        read_only_fields = fields


class CheckInCreateSerializer(serializers.Serializer[Any]):
    mentorship = serializers.IntegerField(help_text="The mentorship's id (you are its mentee).")
    progress = serializers.IntegerField(min_value=1, max_value=5, help_text="1 stuck … 5 great")
    wins = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    blockers = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    next_steps = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    milestones = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=50,
        help_text="Ids of milestones of your goals reached since the last check-in.",
    )
    token = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional idempotency key: the same token twice saves one check-in (409).",
    )


class AcknowledgeSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


@contextmanager
def _answers() -> Iterator[None]:
    """Someone else's object is 404; the wrong side of a mentorship is 403."""
    try:
        yield
    except (Http404, Mentorship.DoesNotExist, CheckIn.DoesNotExist) as error:
        raise NotFound() from error
    except DomainError as error:
        if error.code in WRONG_SIDE:
            raise PermissionDenied(error.message, code=error.code) from error
        raise


@extend_schema_view(
    list=extend_schema(summary="Your check-ins, written and received, newest first"),
    retrieve=extend_schema(summary="One check-in (404 for anyone else's)"),
)
@extend_schema(tags=["checkins"])
class CheckInViewSet(
    VisibleFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[CheckIn],
):
    """Check-ins: the mentee's report at the agreed rhythm, and the mentor's acknowledgement."""

    serializer_class = CheckInSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[CheckIn]:
        if getattr(self, "swagger_fake_view", False):
            return CheckIn.objects.none()
        return selectors.list_checkins_for_participant(user=_user(self.request))

    def get_object(self) -> CheckIn:
        with _answers():
            return selectors.get_checkin_for_participant(
                user=_user(self.request), pk=int(self.kwargs["pk"])
            )

    @extend_schema(
        summary="Write a check-in (mentee)",
        request=CheckInCreateSerializer,
        responses={201: CheckInSerializer},
    )
    def create(self, request: Request) -> Response:
        """Write a check-in on a mentorship you are the mentee of: 403 for its mentor, 404
        for anyone else; 400 for milestones that are not of your goals; 409 when the
        mentorship is paused or ended, or when `token` was already used."""
        body = CheckInCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with _answers():
            checkin = services.record_checkin(
                user=_user(request),
                mentorship_id=data["mentorship"],
                progress=data["progress"],
                wins=data["wins"],
                blockers=data["blockers"],
                next_steps=data["next_steps"],
                milestone_ids=data["milestones"],
                form_token=data["token"],
            )
        self.kwargs["pk"] = checkin.pk
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Acknowledge a check-in (mentor)",
        request=AcknowledgeSerializer,
        responses={200: CheckInSerializer},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Acknowledge with an optional comment; calling it again changes nothing but the
        comment (the mentee is told once). 403 for the mentee, 404 for anyone else."""
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _answers():
            services.acknowledge_checkin(
                user=_user(request), checkin_id=int(pk), comment=body.validated_data["comment"]
            )
        return Response(self.get_serializer(self.get_object()).data)
