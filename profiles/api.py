"""The API for what people tell us: me/, goals, milestones, persona, availability, taxonomy.

Two-line views: a selector reads (with its access rule), a service writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import ListCreateAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.exceptions import RuleViolation
from profiles import privacy, selectors, services
from profiles.availability import Window
from profiles.middleware import remember_time_zone
from profiles.models import Goal, Industry, Language, Milestone, Skill, User
from profiles.serializers import (
    AvailabilitySerializer,
    GoalSerializer,
    IndustrySerializer,
    LanguageSerializer,
    MeSerializer,
    MilestoneSerializer,
    PersonaSerializer,
    SkillSerializer,
    empty_persona,
)


@contextmanager
def errors_on_fields(codes: Mapping[str, str]) -> Iterator[None]:
    """Answer a service's rule break as a 400 on the field it is about, like a shape error."""
    try:
        yield
    except RuleViolation as error:
        field = codes.get(error.code)
        if field is None:
            raise
        raise serializers.ValidationError({field: [error.message]}, code=error.code) from error


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


# --- me/ --------------------------------------------------------------------------------


def _me(user: User) -> dict[str, Any]:
    user.profile = selectors.get_own_profile(user=user)
    return MeSerializer(user).data


@extend_schema(tags=["me"])
class MeView(APIView):
    """The signed-in person and their profile. `id` is the id used when listing people."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(_me(_user(request)))

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        """Change some fields; `profile` may hold any subset of its fields.

        `languages` and `expertise`, when sent, replace the whole list.
        `id`, `email`, `is_staff`, `date_joined` and `onboarding_completed_at`
        are read-only and ignored.
        """
        user = _user(request)
        serializer = MeSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            if "name" in data:
                services.rename_member(user=user, name=data["name"])
            if "profile" in data:
                with errors_on_fields(
                    {"duplicate_skill": "profile", "duplicate_language": "profile"}
                ):
                    _update_profile(user, dict(data["profile"]))
        zone = data.get("profile", {}).get("time_zone")
        if zone and isinstance(request.successful_authenticator, SessionAuthentication):
            # Pages read the zone from the session; keep the browser's copy current.
            remember_time_zone(request._request, zone)
        return Response(_me(user))


class DataExportView(APIView):
    """Everything the platform holds about you, as one JSON document (the same file
    as the "Download my data" button): nothing private of anyone else."""

    @extend_schema(
        summary="Download all your data",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(privacy.export_data(user=_user(request)))


class DeleteAccountSerializer(serializers.Serializer[Any]):
    password = serializers.CharField(
        style={"input_type": "password"}, help_text="Your current password, once more."
    )
    confirm = serializers.CharField(help_text='The word "DELETE".')

    def validate_confirm(self, value: str) -> str:
        if value.strip().upper() != "DELETE":
            raise serializers.ValidationError('Send "DELETE" to confirm.')
        return value


class DeleteAccountView(APIView):
    """Delete your account and its personal data, after your password once more.

    Requests waiting for an answer are withdrawn, live mentorships end, your
    tokens stop working, and the other side sees "a former member".
    """

    throttle_scope = "auth"

    @extend_schema(
        summary="Delete your account",
        request=DeleteAccountSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        body = DeleteAccountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = _user(request)
        if not user.check_password(body.validated_data["password"]):
            raise RuleViolation("That password is not right.", code="wrong_password")
        privacy.delete_account(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _update_profile(user: User, fields: dict[str, Any]) -> None:
    languages = fields.pop("languages", None)
    expertise = fields.pop("expertise", None)
    mentor_industries = fields.pop("mentor_industries", None)
    email_frequency = fields.pop("email_frequency", None)
    if email_frequency is not None:
        # Its own service: switching releases what was held for the digest.
        services.set_email_frequency(user=user, frequency=email_frequency)
    profile = services.ensure_profile(user=user)
    services.update_profile(
        profile=profile,
        fields=fields,
        languages=None
        if languages is None
        else [(item["language"], item["proficiency"]) for item in languages],
        mentor_industries=mentor_industries,
    )
    if expertise is not None:
        services.replace_expertise(
            profile=profile, items=[(item["skill"], item["level"]) for item in expertise]
        )


# --- Goals and milestones ------------------------------------------------------------------


@extend_schema(tags=["goals"])
class GoalViewSet(viewsets.ModelViewSet[Goal]):
    """The signed-in person's goals with their milestones; anyone else's answer 404.

    Change `status` to `achieved`, `dropped` or `active` with PATCH.
    """

    serializer_class = GoalSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Goal]:
        if getattr(self, "swagger_fake_view", False):
            return Goal.objects.none()
        return selectors.list_goals_for_owner(user=_user(self.request))

    def get_object(self) -> Goal:
        return selectors.get_goal_for_owner(user=_user(self.request), pk=int(self.kwargs["pk"]))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        skills = fields.pop("skills", [])
        goal_status = fields.pop("status", Goal.Status.ACTIVE)
        with transaction.atomic(), errors_on_fields({"target_date_in_past": "target_date"}):
            goal = services.create_goal(owner=_user(request), fields=fields, skills=skills)
            if goal_status != Goal.Status.ACTIVE:
                services.set_goal_status(goal=goal, status=goal_status)
        return Response(self._fresh(goal), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        serializer = self.get_serializer(goal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        skills = fields.pop("skills", None)
        with errors_on_fields({"target_date_in_past": "target_date"}):
            services.update_goal(goal=goal, fields=fields, skills=skills)
        return Response(self._fresh(goal))

    def perform_destroy(self, instance: Goal) -> None:
        services.delete_goal(goal=instance)

    def _fresh(self, goal: Goal) -> dict[str, Any]:
        goal = selectors.get_goal_for_owner(user=_user(self.request), pk=goal.pk)
        return self.get_serializer(goal).data


@extend_schema(tags=["goals"])
class GoalMilestonesView(ListCreateAPIView[Milestone]):
    """The milestones of one of the signed-in person's goals; anyone else's goal is 404."""

    serializer_class = MilestoneSerializer

    def get_queryset(self) -> QuerySet[Milestone]:
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        return selectors.list_milestones_for_owner(
            user=_user(self.request), goal_id=self.kwargs["goal_id"]
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = selectors.get_goal_for_owner(user=_user(request), pk=self.kwargs["goal_id"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic(), errors_on_fields(_MILESTONE_ERRORS):
            milestone = services.add_milestone(
                goal=goal, title=data["title"], due_date=data.get("due_date")
            )
            if data.get("is_done"):
                services.set_milestone_done(milestone=milestone, done=True)
        return Response(self.get_serializer(milestone).data, status=status.HTTP_201_CREATED)


_MILESTONE_ERRORS = {"target_date_in_past": "due_date", "missing_title": "title"}


@extend_schema(tags=["goals"])
class MilestoneViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Milestone],
):
    """One milestone of the signed-in person's goals: PATCH `done`, `title`, `due_date`."""

    serializer_class = MilestoneSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Milestone]:
        # Only for the schema: every request goes through get_object's access check.
        return Milestone.objects.none()

    def get_object(self) -> Milestone:
        return selectors.get_milestone_for_owner(
            user=_user(self.request), pk=int(self.kwargs["pk"])
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = self.get_object()
        serializer = self.get_serializer(milestone, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        done = fields.pop("is_done", None)
        with transaction.atomic(), errors_on_fields(_MILESTONE_ERRORS):
            if fields:
                services.update_milestone(milestone=milestone, fields=fields)
            if done is not None:
                services.set_milestone_done(milestone=milestone, done=done)
        return Response(self.get_serializer(milestone).data)

    def perform_destroy(self, instance: Milestone) -> None:
        services.delete_milestone(milestone=instance)


# --- Persona ---------------------------------------------------------------------------------


@extend_schema(tags=["persona"])
class PersonaView(APIView):
    """The mentor the signed-in person is looking for: know your destination first."""

    @extend_schema(responses=PersonaSerializer)
    def get(self, request: Request) -> Response:
        persona = selectors.get_persona_for_owner(user=_user(request))
        if persona is None:
            return Response(empty_persona())
        return Response(PersonaSerializer(persona).data)

    @extend_schema(request=PersonaSerializer, responses=PersonaSerializer)
    def put(self, request: Request) -> Response:
        """Replace the persona; fields left out go back to their defaults."""
        user = _user(request)
        serializer = PersonaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        skills = [(item["skill"], item["importance"]) for item in fields.pop("skills")]
        industries = fields.pop("industries")
        languages = fields.pop("languages")
        with errors_on_fields({"duplicate_skill": "skills", "invalid_importance": "skills"}):
            services.save_persona(
                owner=user,
                fields=fields,
                skills=skills,
                industries=industries,
                languages=languages,
            )
        return Response(PersonaSerializer(selectors.get_persona_for_owner(user=user)).data)


# --- Availability -------------------------------------------------------------------------------


def _availability(user: User) -> dict[str, Any]:
    profile = selectors.get_own_availability(user=user)
    windows = list(profile.availability.all())
    hours = sum(w.end_minute - w.start_minute for w in windows) / 60
    return AvailabilitySerializer(
        {"time_zone": profile.time_zone, "windows": windows, "hours_per_week": hours}
    ).data


@extend_schema(tags=["availability"])
class AvailabilityView(APIView):
    """Weekly windows in the person's own profile time zone (`time_zone`)."""

    @extend_schema(responses=AvailabilitySerializer)
    def get(self, request: Request) -> Response:
        return Response(_availability(_user(request)))

    @extend_schema(request=AvailabilitySerializer, responses=AvailabilitySerializer)
    def put(self, request: Request) -> Response:
        """Replace every window. Quarter hours, no overlaps, each ends after it starts."""
        user = _user(request)
        serializer = AvailabilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        windows = [
            Window(item["weekday"], item["start_minute"], item["end_minute"])
            for item in serializer.validated_data["windows"]
        ]
        with errors_on_fields({"invalid_availability": "windows"}):
            services.replace_availability(
                profile=services.ensure_profile(user=user), windows=windows
            )
        return Response(_availability(user))


# --- Taxonomy -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Part of a skill's name, e.g. `pyt`."
            )
        ]
    )
)
@extend_schema(tags=["taxonomy"])
class SkillViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Skill]):
    """Skills with their category, for finding ids: `?search=pyt`."""

    serializer_class = SkillSerializer

    def get_queryset(self) -> QuerySet[Skill]:
        return selectors.list_skills(query=self.request.query_params.get("search", ""))


@extend_schema(tags=["taxonomy"])
class LanguageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Language]):
    """Languages by ISO 639-1 code, as used in profiles and personas."""

    serializer_class = LanguageSerializer
    queryset = Language.objects.order_by("name")


@extend_schema(tags=["taxonomy"])
class IndustryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Industry]):
    """Industries by id, as used in profiles and personas."""

    serializer_class = IndustrySerializer
    queryset = Industry.objects.order_by("name")
