"""The API of programmes: the person's own, joining with an invite code, leaving."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from matching.models import Enrolment, Program
from matching.selectors_programs import get_program_by_invite, list_programs_for_member
from matching.services_programs import join_program, leave_program
from mentorship.api import VisibleFirstMixin
from profiles.models import User

_FREQUENCY = Program._meta.get_field("checkin_frequency")


class ProgramSerializer(serializers.ModelSerializer[Program]):
    role = serializers.CharField(source="my_role", read_only=True, help_text="Your side in it.")
    mentee_count = serializers.IntegerField(read_only=True)
    mentor_count = serializers.IntegerField(read_only=True)
    mentees_choose = serializers.BooleanField(
        read_only=True,
        help_text="Whether mentees browse and ask mentors here (`mentors/?program=`).",
    )
    # A read-only model field loses allow_blank, and the schema then leaves out "".
    checkin_frequency = serializers.ChoiceField(
        choices=_FREQUENCY.choices or [],
        allow_blank=True,
        read_only=True,
        help_text=_FREQUENCY.help_text,
    )

    class Meta:
        model = Program
        fields = (
            "id", "slug", "name", "description", "kind", "timing", "starts_on", "ends_on",
            "matching_mode", "checkin_frequency", "max_open_requests", "role", "mentee_count",
            "mentor_count", "mentees_choose",
        )  # fmt: skip
        read_only_fields = fields


class JoinSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(max_length=32, help_text="The code at the end of the invite link.")
    role = serializers.ChoiceField(choices=Enrolment.Role.choices, default=Enrolment.Role.MENTEE)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


NOT_FOUND = OpenApiResponse(description="Not one of your programmes.")


@extend_schema(tags=["programs"])
@extend_schema_view(
    list=extend_schema(summary="Your programmes, with your role in each"),
    retrieve=extend_schema(
        summary="One of your programmes, by id or slug",
        responses={200: ProgramSerializer, 404: NOT_FOUND},
    ),
)
class ProgramViewSet(
    VisibleFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Program],
):
    """Programmes you are in. Others' programmes answer 404, as a missing one does."""

    serializer_class = ProgramSerializer
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self) -> QuerySet[Program]:
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return Program.objects.none()  # list() and get_object() read the selector instead

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programs = list_programs_for_member(user=_user(request))
        page = self.paginate_queryset(programs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self) -> Program:
        key = str(self.kwargs["pk"])
        for program in list_programs_for_member(user=_user(self.request)):
            if key in (str(program.pk), program.slug):
                return program
        raise NotFound("Not one of your programmes.")

    @extend_schema(
        summary="Join a programme with its invite code",
        request=JoinSerializer,
        responses={
            200: ProgramSerializer,
            400: OpenApiResponse(description="A closed programme, or a bad role."),
            404: OpenApiResponse(description="No programme has this code."),
        },
    )
    @action(detail=False, methods=["post"])
    def join(self, request: Request) -> Response:
        body = JoinSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            program = get_program_by_invite(code=body.validated_data["code"])
        except Http404 as error:
            raise NotFound("No programme has this invite code.") from error
        join_program(user=_user(request), program=program, role=body.validated_data["role"])
        self.kwargs["pk"] = program.slug
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Leave a programme (a mentorship begun in it carries on)",
        request=None,
        responses={204: None, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str) -> Response:
        program = self.get_object()
        leave_program(user=_user(request), program=program)
        return Response(status=204)
