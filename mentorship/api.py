"""API plumbing shared by every app: pagination, errors, schema, token log-in."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from mentorship.exceptions import Conflict, DomainError, LimitReached
from profiles.services import issue_api_token

# The largest id a BigAutoField holds. A larger one in a body is refused by its field: SQLite's
# driver cannot even pass it to a query (an OverflowError, a 500) where Postgres finds nothing.
MAX_ID = 2**63 - 1


class VisibleFirstMixin:
    """Someone else's object answers 404 before the request body is read.

    Actions validate their body first and look the object up in the service; a
    stranger posting an empty body would get 400 where the owner does, and learn
    that the id exists. Looking it up first makes every answer about another
    person's object the same 404 as a missing id.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if getattr(self, "detail", False) and request.method not in ("GET", "HEAD", "OPTIONS"):
            self.get_object()  # type: ignore[attr-defined]


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class AutoSchema(SpectacularAutoSchema):
    """Document the error answers every endpoint can give (drf-spectacular omits them)."""

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorSerializer, "400")
        invalid = self._get_response_for_code(self._validation_error(), "400")
        codes = ["400", "401", "403", "404", "409", "429"]
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            codes.append("415")  # a body in a Content-Type no parser reads
        if self.method == "GET":
            # A GET reads no body; only its own query parameters can be refused.
            codes = ["400"] if self._has_query_parameters() else []
            codes += ["401", "403", "404", "429"]
        for code in codes:
            body = invalid if code == "400" else error
            # An error documented with a description only still has this body.
            responses[code] = {**body, "description": _ERROR_TEXT[code], **responses.get(code, {})}
        return responses

    def _validation_error(self) -> dict[str, Any]:
        """A broken rule (an `Error`), or shape errors by field name (a field may be called
        `code` or `detail` too): a list of messages, or nested errors for nested fields."""
        by_field = {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]}
        component = ResolvedComponent(
            name="ValidationError",
            type=ResolvedComponent.SCHEMA,
            object="ValidationError",
            schema={
                "anyOf": [
                    self.resolve_serializer(ErrorSerializer, "response").ref,
                    {"type": "object", "additionalProperties": by_field},
                ]
            },
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _has_query_parameters(self) -> bool:
        return any(
            isinstance(parameter, OpenApiParameter) and parameter.location == OpenApiParameter.QUERY
            for parameter in self.get_override_parameters()
        )


_ERROR_TEXT = {
    "400": "The request breaks a rule (`detail` says which) or names fields with their errors.",
    "401": "Not authenticated.",
    "403": "Not allowed.",
    "404": "Not found, or not yours.",
    "409": "The object's current state does not allow this.",
    "415": "The body is not JSON, a form or multipart.",
    "429": "Too many requests; see the Retry-After header.",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map the domain error family to HTTP once: 409 conflicts, 429 limits, else 400."""
    if isinstance(exc, DomainError):
        headers = {}
        code: int
        if isinstance(exc, Conflict):
            code = status.HTTP_409_CONFLICT
        elif isinstance(exc, LimitReached):
            code = status.HTTP_429_TOO_MANY_REQUESTS
            if exc.retry_after is not None:
                headers["Retry-After"] = str(exc.retry_after)
        else:
            code = status.HTTP_400_BAD_REQUEST
        return Response({"detail": exc.message, "code": exc.code}, status=code, headers=headers)
    return drf_exception_handler(exc, context)


class TokenRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    """Exchange an email and password for an API token."""

    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = issue_api_token(
            request=request._request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        return Response({"token": token.key})
