"""API shapes for requests and mentorships.

Serializers check shape only (types, lengths, known choices and ids); the
services in `matching.services` check meaning and do every write. Output
shapes take the signed-in person from the context (`context["user"]`) to say
which side they are on.

Contact details: a request shows each person's id, name and headline only;
contact links appear inside a mentorship, where both have agreed to work
together.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.models import Mentorship, MentorshipRequest, Program, RequestMessage
from mentorship.api import MAX_ID
from profiles.models import Goal, User
from sessions_app.models import GoalOutcome

# --- Shared parts ------------------------------------------------------------------------


def _enum(choices: type[models.TextChoices]) -> dict[str, Any]:
    """A named enum component's schema, each value's label in its description.

    Named here because `status` and `frequency` mean different choice sets on
    goals, profiles, requests and mentorships.
    """
    labels = "\n".join(f"* `{value}`: {label}" for value, label in choices.choices)
    return {"type": "string", "enum": list(choices.values), "description": labels}


@extend_schema_field(_enum(MentorshipRequest.Status), component_name="RequestStatus")
class RequestStatusField(serializers.ChoiceField):
    pass


@extend_schema_field(_enum(MentorshipRequest.Ask), component_name="RequestAsk")
class AskField(serializers.ChoiceField):
    pass


@extend_schema_field(_enum(MentorshipRequest.DeclineReason), component_name="DeclineReason")
class DeclineReasonField(serializers.ChoiceField):
    pass


@extend_schema_field(_enum(Mentorship.Status), component_name="MentorshipStatus")
class MentorshipStatusField(serializers.ChoiceField):
    pass


@extend_schema_field(_enum(Mentorship.Frequency), component_name="MentorshipFrequency")
class MentorshipFrequencyField(serializers.ChoiceField):
    pass


def _profile_value(user: User, name: str, default: Any) -> Any:
    # A mentee may not have filled in a profile yet.
    try:
        return getattr(user.profile, name)
    except ObjectDoesNotExist:
        return default


class PersonSerializer(serializers.Serializer[User]):
    """Who is on the other side of a request: no email, no contact links."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    headline = serializers.SerializerMethodField()

    def get_headline(self, user: User) -> str:
        return str(_profile_value(user, "headline", ""))


class PartnerSerializer(PersonSerializer):
    """A person inside a mentorship: their contact links are shown to the other."""

    contact_links = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_contact_links(self, user: User) -> list[str]:
        return list(_profile_value(user, "contact_links", []))


class ProgramSummarySerializer(serializers.ModelSerializer[Program]):
    class Meta:
        model = Program
        fields = ("id", "slug", "name")
        read_only_fields = fields


class GoalSummarySerializer(serializers.ModelSerializer[Goal]):
    class Meta:
        model = Goal
        fields = ("id", "title")
        read_only_fields = fields


class LinkedGoalSerializer(serializers.ModelSerializer[Goal]):
    class Meta:
        model = Goal
        fields = ("id", "title", "status")
        read_only_fields = fields


def _user(field: serializers.Field[Any, Any, Any, Any]) -> User:
    return field.context["user"]


# --- Requests ------------------------------------------------------------------------------


class RequestMessageSerializer(serializers.ModelSerializer[RequestMessage]):
    author = serializers.IntegerField(source="author_id", read_only=True, help_text="A user id.")

    class Meta:
        model = RequestMessage
        fields = ("id", "author", "body", "created_at")
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer[MentorshipRequest]):
    """One request as either side sees it."""

    status = RequestStatusField(choices=MentorshipRequest.Status.choices, read_only=True)
    ask = AskField(choices=MentorshipRequest.Ask.choices, read_only=True)
    decline_reason = serializers.CharField(
        read_only=True, help_text="A DeclineReason once declined, else empty."
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    ask_label = serializers.CharField(source="get_ask_display", read_only=True)
    decline_reason_label = serializers.CharField(
        source="get_decline_reason_display", read_only=True
    )
    goal = GoalSummarySerializer(read_only=True, allow_null=True)
    program = ProgramSummarySerializer(read_only=True, allow_null=True)
    mentee = PersonSerializer(read_only=True)
    mentor = PersonSerializer(read_only=True)
    messages = RequestMessageSerializer(many=True, read_only=True)
    side = serializers.SerializerMethodField(
        help_text='"sent" when you are the mentee, "received" when you are the mentor.'
    )
    mentorship = serializers.SerializerMethodField(
        help_text="The mentorship's id once the request is accepted, else null."
    )

    class Meta:
        model = MentorshipRequest
        fields = (
            "id",
            "status",
            "status_label",
            "subject",
            "message",
            "ask",
            "ask_label",
            "goal",
            "program",
            "mentee",
            "mentor",
            "side",
            "created_at",
            "responded_at",
            "decline_reason",
            "decline_reason_label",
            "decline_note",
            "welcome_note",
            "messages",
            "mentorship",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["sent", "received"]))
    def get_side(self, request: MentorshipRequest) -> str:
        return "sent" if request.mentee_id == _user(self).pk else "received"

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_mentorship(self, request: MentorshipRequest) -> int | None:
        if request.status != MentorshipRequest.Status.ACCEPTED:
            return None
        try:
            return request.mentorship.pk
        except ObjectDoesNotExist:
            return None


@extend_schema_field(OpenApiTypes.INT)
class OwnGoalField(serializers.PrimaryKeyRelatedField):
    """One of the signed-in person's goals; anyone else's reads as unknown, like a missing id."""

    default_error_messages = {
        "does_not_exist": "Choose one of your own goals.",
        "incorrect_type": "A goal id (a number) is required.",
    }

    def get_queryset(self) -> QuerySet[Goal]:
        return Goal.objects.filter(owner=_user(self))


class RequestCreateSerializer(serializers.Serializer[Any]):
    """What a mentee sends. Anything else (status, mentee, dates) is ignored."""

    mentor = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The mentor's id, as `mentors/` lists it."
    )
    # Blank is the service's to refuse, with its own words.
    subject = serializers.CharField(max_length=150, allow_blank=True)
    message = serializers.CharField(max_length=4000, allow_blank=True)
    goal = OwnGoalField(required=False, allow_null=True, help_text="One of your goals' ids.")
    ask = AskField(
        choices=MentorshipRequest.Ask.choices,
        default=MentorshipRequest.Ask.INTRO_CALL,
        help_text="What you ask for; a short intro conversation by default.",
    )
    program = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Program.objects.all(),
        required=False,
        allow_null=True,
        help_text="A programme's slug (as in `mentors/?program=`): its request limits apply.",
    )


class AcceptSerializer(serializers.Serializer[Any]):
    welcome_note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )


class DeclineSerializer(serializers.Serializer[Any]):
    reason = DeclineReasonField(choices=MentorshipRequest.DeclineReason.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    pause = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also stop taking new mentees (decline and pause me).",
    )


class MessageSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=2000, allow_blank=True)


# --- Mentorships ---------------------------------------------------------------------------


class MentorshipSerializer(serializers.ModelSerializer[Mentorship]):
    """One mentorship as either person in it sees it, with both people's contact links."""

    status = MentorshipStatusField(choices=Mentorship.Status.choices, read_only=True)
    frequency = serializers.CharField(
        read_only=True, help_text="A MentorshipFrequency once agreed, else empty."
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    mentee = PartnerSerializer(read_only=True)
    mentor = PartnerSerializer(read_only=True)
    goals = LinkedGoalSerializer(many=True, read_only=True)
    program = ProgramSummarySerializer(read_only=True, allow_null=True)
    request = serializers.IntegerField(
        source="request_id", read_only=True, allow_null=True, help_text="The request it came from."
    )
    agreement_confirmed = serializers.BooleanField(
        read_only=True, help_text="Both have confirmed the same terms."
    )
    role = serializers.SerializerMethodField(help_text="Your side of the pair.")
    paused_until = serializers.DateField(
        source="pause_until",
        read_only=True,
        allow_null=True,
        help_text="While paused: the day it carries on by itself (null: resumed by hand).",
    )
    close_proposed_by = serializers.IntegerField(
        source="close_proposed_by_id",
        read_only=True,
        allow_null=True,
        help_text="Who proposed to end it (a person's id), while the other has not agreed.",
    )
    close_outcome = serializers.CharField(
        read_only=True, help_text="The proposed or final end: `completed`, `ended`, or empty."
    )

    class Meta:
        model = Mentorship
        fields = (
            "id",
            "status",
            "status_label",
            "role",
            "mentee",
            "mentor",
            "program",
            "request",
            "goals",
            "started_at",
            "ended_at",
            "frequency",
            "frequency_label",
            "session_minutes",
            "channel",
            "planned_end",
            "boundaries",
            "confidentiality",
            "mentee_confirmed_at",
            "mentor_confirmed_at",
            "agreement_confirmed",
            "paused_until",
            "close_proposed_by",
            "close_outcome",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["mentee", "mentor"]))
    def get_role(self, mentorship: Mentorship) -> str:
        return "mentee" if mentorship.mentee_id == _user(self).pk else "mentor"


class AgreementSerializer(serializers.Serializer[Any]):
    """The terms as this person confirms them (changed terms ask the other to confirm again)."""

    frequency = MentorshipFrequencyField(choices=Mentorship.Frequency.choices)
    session_minutes = serializers.IntegerField(help_text="10 to 240.")
    channel = serializers.CharField(
        max_length=120, allow_blank=True, help_text="Where you meet: a video link, a place."
    )
    planned_end = serializers.DateField(required=False, allow_null=True, default=None)
    boundaries = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    confidentiality = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


# --- Pausing and ending a mentorship --------------------------------------------------------


class PauseSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=500, allow_blank=True, help_text="Why you pause; shown to the other person."
    )
    until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="It carries on by itself on this day (at most about three months ahead).",
    )


class GoalOutcomeSerializer(serializers.Serializer[Any]):
    goal = serializers.IntegerField(help_text="A goal linked to the mentorship (its id).")
    outcome = serializers.ChoiceField(choices=GoalOutcome.Outcome.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer[Any]):
    """A closing reflection; `outcome` is needed when you are the one proposing the end."""

    outcome = serializers.ChoiceField(
        choices=[("completed", "Completed"), ("ended", "Ended early")],
        required=False,
        help_text="How it ends; required to propose, ignored when agreeing or reflecting later.",
    )
    reflection = serializers.CharField(max_length=4000, allow_blank=True)
    goal_outcomes = GoalOutcomeSerializer(many=True, required=False, default=list)
    thank_you = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, default=None
    )
    private_feedback = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="For the program admins only; never shown to the other person.",
    )
    stay_in_touch = serializers.BooleanField(required=False, default=False)
    become_mentor = serializers.BooleanField(
        required=False, default=False, help_text="Mentees only: I'd like to become a mentor."
    )
