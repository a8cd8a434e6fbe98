"""The API for ranked mentors: `mentors/` (ranked, with score and explanation) and one mentor."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from matching.forms import MentorFilterForm
from matching.selectors import MAX_PAGE_SIZE, MentorMatch, get_mentor_match, rank_mentors
from profiles.models import MentoringKind, User


class CriterionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    weight = serializers.FloatField(help_text="Share of the score, 0 to 1.")
    value = serializers.FloatField(help_text="How well this criterion fits, 0 to 1.")
    contribution = serializers.FloatField(
        help_text="weight times value; the parts add up to score."
    )
    active = serializers.BooleanField(
        help_text="False when the mentee said nothing about it (it counts as a neutral 0.5)."
    )
    facts = serializers.ListField(child=serializers.CharField())
    hint = serializers.CharField(help_text="How to make this criterion count, when inactive.")


class ExplanationSerializer(serializers.Serializer[Any]):
    reasons = serializers.ListField(child=serializers.CharField(), help_text="The top three.")
    criteria = CriterionSerializer(many=True)
    shared_hours = serializers.FloatField(allow_null=True)
    shared_when = serializers.CharField(help_text="Shared times in the mentee's own zone.")
    blockers = serializers.ListField(
        child=serializers.CharField(), help_text="Why a request cannot be sent now, if so."
    )


class MentorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The mentor's id, as used for requests.")
    name = serializers.CharField(source="profile.user.display_name")
    headline = serializers.CharField(source="profile.headline")
    current_role = serializers.CharField(source="profile.current_role")
    organisation = serializers.CharField(source="profile.organisation")
    country = serializers.CharField(source="profile.country")
    time_zone = serializers.CharField(source="profile.time_zone")
    score = serializers.FloatField(help_text="Compatibility from 0 to 1.")
    rank = serializers.IntegerField(allow_null=True, help_text="Place in your list (1 = first).")
    places_left = serializers.IntegerField()
    open_to_requests = serializers.BooleanField()
    explanation = ExplanationSerializer()
    url = serializers.SerializerMethodField()

    def get_url(self, match: MentorMatch) -> str:
        return reverse("matching:mentor", args=[match.id])

    def to_representation(self, instance: MentorMatch) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["score"] = round(instance.score, 4)
        return data


class MentorPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MentorSerializer(many=True)


FILTER_PARAMETERS = [
    OpenApiParameter("skill", OpenApiTypes.INT, description="Mentors who list this skill (id)."),
    OpenApiParameter(
        "industry", OpenApiTypes.INT, description="Working in or mentoring this industry (id)."
    ),
    OpenApiParameter("language", OpenApiTypes.INT, description="Speaking this language (id)."),
    OpenApiParameter(
        "min_hours", OpenApiTypes.NUMBER, description="At least this many shared hours a week."
    ),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, enum=MentoringKind.values, description="This kind of mentoring."
    ),
    OpenApiParameter(
        "accepting", OpenApiTypes.BOOL, description="Only mentors taking mentees now (default)."
    ),
    OpenApiParameter(
        "program", OpenApiTypes.STR, description="A programme's slug: its weights and kind apply."
    ),
]


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


YES, NO = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _filters(request: Request) -> MentorFilterForm:
    params = request.query_params.copy()
    accepting = str(params.get("accepting", "")).strip().lower()
    if accepting in YES | NO:
        params["accepting"] = "true" if accepting in YES else "false"
    form = MentorFilterForm(params)
    if not form.is_valid():
        raise serializers.ValidationError(
            {field: [str(error) for error in errors] for field, errors in form.errors.items()}
        )
    return form


def _positive(value: str | None, default: int, name: str, maximum: int | None = None) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise serializers.ValidationError({name: ["A whole number is required."]}) from None
    if number < 1:
        raise serializers.ValidationError({name: ["It must be 1 or more."]})
    return min(number, maximum) if maximum else number


@extend_schema(tags=["mentors"])
class MentorListView(APIView):
    """Mentors ranked for you, best first, each with its score and why.

    The order is the score with fair exposure applied (mentors with a queue of
    waiting requests and few free places move down a little; mentors within a
    point of each other take turns at the top each day), the same order as the
    browse page. Each mentor's `explanation` gives every criterion's weight,
    value, contribution and the facts behind it.
    """

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"Up to {MAX_PAGE_SIZE}."),
        ],
        responses=MentorPageSerializer,
        operation_id="mentors_list",
    )
    def get(self, request: Request) -> Response:
        form = _filters(request)
        page_number = _positive(request.query_params.get("page"), 1, "page")
        size = _positive(request.query_params.get("page_size"), 20, "page_size", MAX_PAGE_SIZE)
        page = rank_mentors(
            user=_user(request), filters=form.filters(), page=page_number, page_size=size
        )
        url = request.build_absolute_uri()
        following = replace_query_param(url, "page", page_number + 1)
        before = (
            None
            if page_number <= 1
            else (
                remove_query_param(url, "page")
                if page_number == 2
                else replace_query_param(url, "page", page_number - 1)
            )
        )
        body = {
            "count": page.count,
            "next": following if page_number < page.pages else None,
            "previous": before,
            "results": MentorSerializer(page.matches, many=True).data,
        }
        return Response(body)


@extend_schema(tags=["mentors"])
class MentorDetailView(APIView):
    """One mentor's fit for you, with the full explanation (404 for anyone not an active mentor)."""

    @extend_schema(
        parameters=[FILTER_PARAMETERS[-1]],
        responses=MentorSerializer,
        operation_id="mentors_retrieve",
    )
    def get(self, request: Request, mentor_id: int) -> Response:
        form = _filters(request)
        match = get_mentor_match(
            user=_user(request), mentor_id=mentor_id, program=form.filters().program
        )
        return Response(MentorSerializer(match).data)
