"""The matching API: ranked mentors, requests and mentorships.

- `mentors/` (ranked, with score and explanation) and `mentors/{id}/`;
- `requests/`: a mentee sends one, either side lists and reads theirs, the
  mentor accepts, declines or asks a question, the mentee withdraws or answers;
- `mentorships/`: the person's mentorships on both sides, and the agreement.

Views are thin: selectors read with their access rules, services write. A
service's DoesNotExist (someone else's request, the wrong side, a missing
id) answers 404, the same for all three.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from matching import selectors, services
from matching.forms import MentorFilterForm
from matching.models import Mentorship, MentorshipRequest
from matching.selectors import MAX_PAGE_SIZE, MentorMatch, get_mentor_match, rank_mentors
from matching.serializers import (
    AcceptSerializer,
    AgreementSerializer,
    CloseSerializer,
    DeclineSerializer,
    MentorshipSerializer,
    MessageSerializer,
    PauseSerializer,
    RequestCreateSerializer,
    RequestSerializer,
)
from mentorship.api import VisibleFirstMixin
from profiles.models import MentoringKind, User
from sessions_app.services import closing


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
    form = MentorFilterForm(params, user=_user(request))
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


# --- Requests and mentorships ------------------------------------------------------------


@contextmanager
def _not_found() -> Iterator[None]:
    """Someone else's object, the wrong side of it, or no such id: one and the same 404."""
    try:
        yield
    except (Http404, MentorshipRequest.DoesNotExist, Mentorship.DoesNotExist) as error:
        raise NotFound() from error


SIDES = ("sent", "received")


class RequestFilterSerializer(serializers.Serializer[Any]):
    side = serializers.ChoiceField(choices=SIDES, required=False)
    status = serializers.ChoiceField(choices=MentorshipRequest.Status.choices, required=False)


@extend_schema(tags=["requests"])
@extend_schema_view(
    list=extend_schema(
        summary="Your requests, sent and received, newest first",
        parameters=[
            OpenApiParameter(
                "side",
                OpenApiTypes.STR,
                enum=SIDES,
                description="`sent` (you are the mentee) or `received` (you are the mentor); "
                "both when left out. Each row says its `side`.",
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=MentorshipRequest.Status.values,
                description="Only requests in this state, e.g. `pending` for a mentor's inbox.",
            ),
        ],
        responses={
            200: RequestSerializer(many=True),
            400: OpenApiResponse(
                description="An unknown `side` or `status`: each named with its reason."
            ),
        },
    ),
    retrieve=extend_schema(summary="One of your requests (404 for anyone else's)"),
)
class RequestViewSet(
    VisibleFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[MentorshipRequest],
):
    """Requests: a mentee's short first message to a mentor, and its answer.

    Both people in a request read it; anyone else gets 404, as for a missing id.
    Each action belongs to one side (accept, decline: the mentor; withdraw: the
    mentee), and the other side calling it gets 404 too. `ask/` is both sides'
    thread: the mentor asks first, the mentee answers. Illegal transitions
    (accepting a declined request, declining an accepted one) answer 409 and
    change nothing.
    """

    serializer_class = RequestSerializer
    lookup_value_regex = r"\d+"

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_queryset(self) -> QuerySet[MentorshipRequest]:
        if getattr(self, "swagger_fake_view", False):
            return MentorshipRequest.objects.none()
        filters = RequestFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.list_requests_for_participant(
            user=_user(self.request),
            side=filters.validated_data.get("side"),
            status=filters.validated_data.get("status"),
        )

    def get_object(self) -> MentorshipRequest:
        with _not_found():
            return selectors.get_request_for_participant(
                user=_user(self.request), pk=int(self.kwargs["pk"])
            )

    def _answer(self, request_id: int, code: int = status.HTTP_200_OK) -> Response:
        self.kwargs["pk"] = request_id
        return Response(self.get_serializer(self.get_object()).data, status=code)

    @extend_schema(
        summary="Send a request to a mentor",
        request=RequestCreateSerializer,
        responses={201: RequestSerializer},
    )
    def create(self, request: Request) -> Response:
        """Send a request. Rule breaks say why: 400 (a closed mentor, yourself, not your goal),
        409 (already waiting for this mentor, too many open), 429 with Retry-After (the
        daily limit). Only the documented fields are read; status, mentee and dates are not."""
        body = RequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        sent = services.send_request(
            mentee=_user(request),
            mentor_id=data["mentor"],
            subject=data["subject"],
            message=data["message"],
            goal=data.get("goal"),
            ask=data["ask"],
            program=data.get("program"),
        )
        return self._answer(sent.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept (mentor): the mentorship starts",
        request=AcceptSerializer,
        responses={201: MentorshipSerializer},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """Accept the request with an optional welcome note. Answers 201 with the new
        mentorship; the mentee's other open requests are cancelled. 409 when the request
        is no longer pending or all your places are taken."""
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            mentorship = services.accept_request(
                mentor=_user(request),
                request_id=int(pk),
                welcome_note=body.validated_data["welcome_note"],
            )
            mentorship = selectors.get_mentorship_for_participant(
                user=_user(request), pk=mentorship.pk
            )
        data = MentorshipSerializer(mentorship, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decline (mentor), with a reason",
        request=DeclineSerializer,
        responses={200: RequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        """Decline with a reason and an optional kind note, both shown to the mentee.
        `pause: true` also stops new requests to you (decline and pause me)."""
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with _not_found():
            services.decline_request(
                mentor=_user(request),
                request_id=int(pk),
                reason=data["reason"],
                note=data["note"],
                pause=data["pause"],
            )
        return self._answer(int(pk))

    @extend_schema(summary="Withdraw (mentee)", request=None, responses={200: RequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw a request you sent while it waits for an answer."""
        with _not_found():
            services.withdraw_request(mentee=_user(request), request_id=int(pk))
        return self._answer(int(pk))

    @extend_schema(
        summary="Ask a question (mentor) or answer it (mentee)",
        request=MessageSerializer,
        responses={201: RequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def ask(self, request: Request, pk: str) -> Response:
        """Add to the request's thread while it is pending: the mentor asks a question
        before deciding, the mentee answers (409 for a mentee before any question).
        Answers 201 with the request, its thread ending with the new message."""
        body = MessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.add_message(
                user=_user(request), request_id=int(pk), body=body.validated_data["body"]
            )
        return self._answer(int(pk), status.HTTP_201_CREATED)


@extend_schema(tags=["mentorships"])
@extend_schema_view(
    list=extend_schema(summary="Your mentorships, as mentee and as mentor, newest first"),
    retrieve=extend_schema(summary="One of your mentorships (404 for anyone else's)"),
)
class MentorshipViewSet(
    VisibleFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Mentorship],
):
    """Mentorships: the pair, their linked goals, the agreement, and both contact links.

    Contact links are shown here only, to the two people in the mentorship.
    """

    serializer_class = MentorshipSerializer
    lookup_value_regex = r"\d+"

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_queryset(self) -> QuerySet[Mentorship]:
        if getattr(self, "swagger_fake_view", False):
            return Mentorship.objects.none()
        return selectors.list_mentorships_for_participant(user=_user(self.request))

    def get_object(self) -> Mentorship:
        with _not_found():
            return selectors.get_mentorship_for_participant(
                user=_user(self.request), pk=int(self.kwargs["pk"])
            )

    @extend_schema(
        summary="Confirm the agreement, as written here",
        request=AgreementSerializer,
        responses={200: MentorshipSerializer},
    )
    @action(detail=True, methods=["post"])
    def agreement(self, request: Request, pk: str) -> Response:
        """Confirm these terms. Unchanged terms add your confirmation; changed terms are
        saved as your confirmation and clear the other person's, who confirms again.
        `agreement_confirmed` is true once both have confirmed the same terms."""
        body = AgreementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            services.confirm_agreement(
                user=_user(request),
                mentorship_id=int(pk),
                terms=services.AgreementTerms(**body.validated_data),
            )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Pause (either person), with a reason and an optional end date",
        request=PauseSerializer,
        responses={200: MentorshipSerializer},
    )
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str) -> Response:
        """Pause an active mentorship: its proposed and booked sessions still ahead are
        cancelled, the other person is told, and no reminders are sent while paused. With
        `until` (a future date, at most about three months ahead) it carries on by itself
        that day. 400 without a reason or with a date out of range; 409 when it is not active
        or an end is proposed."""
        body = PauseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _not_found():
            closing.pause_mentorship(
                user=_user(request),
                mentorship_id=int(pk),
                reason=body.validated_data["reason"],
                until=body.validated_data["until"],
            )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Resume a paused mentorship (either person)",
        request=None,
        responses={200: MentorshipSerializer},
    )
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        """Resume a paused mentorship; the other person is told. 409 when it is not paused."""
        with _not_found():
            closing.resume_mentorship(user=_user(request), mentorship_id=int(pk))
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Propose to end, agree to end, or reflect after the end",
        request=CloseSerializer,
        responses={200: MentorshipSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """One action for each step of ending, with your reflection. While nobody has
        proposed to end, this proposes it (`outcome` required); when the other person has,
        this agrees and the mentorship closes (status `completed` or `ended`); after it has
        closed, this adds your reflection if you have not written one. `private_feedback` and
        `rating` go to the program admins and are never shown to the other person. 409 when
        you already proposed, already reflected, or it closed meanwhile (a double submit)."""
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        reflection = closing.ReflectionInput(
            reflection=data["reflection"],
            goal_outcomes=tuple(
                closing.GoalOutcomeInput(item["goal"], item["outcome"], item["note"])
                for item in data["goal_outcomes"]
            ),
            thank_you=data["thank_you"],
            rating=data["rating"],
            private_feedback=data["private_feedback"],
            stay_in_touch=data["stay_in_touch"],
            become_mentor=data["become_mentor"],
        )
        user = _user(request)
        current = self.get_object()
        with _not_found():
            if not current.is_live:
                closing.write_reflection(user=user, mentorship_id=int(pk), reflection=reflection)
            elif current.close_proposed_by_id and current.close_proposed_by_id != user.pk:
                closing.agree_close(user=user, mentorship_id=int(pk), reflection=reflection)
            else:
                closing.propose_close(
                    user=user,
                    mentorship_id=int(pk),
                    outcome=data.get("outcome", ""),
                    reflection=reflection,
                )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Withdraw your proposal to end",
        request=None,
        responses={200: MentorshipSerializer},
    )
    @action(detail=True, methods=["post"], url_path="close/withdraw")
    def close_withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw the proposal to end that you made (your reflection is dropped with it); the
        mentorship carries on. 409 when nobody proposed, or the other person did."""
        with _not_found():
            closing.withdraw_close(user=_user(request), mentorship_id=int(pk))
        return Response(self.get_serializer(self.get_object()).data)
