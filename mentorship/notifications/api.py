from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.notifications import selectors, services
from mentorship.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ("id", "kind", "subject", "body", "url", "read", "read_at", "created_at")
        read_only_fields = fields


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]
):
    """The signed-in person's notifications, newest first."""

    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.list_notifications_for_recipient(user=self.request.user)  # type: ignore[arg-type]

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = services.mark_read(user=request.user, notification_id=int(pk))  # type: ignore[arg-type]
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = services.mark_all_read(user=request.user)  # type: ignore[arg-type]
        return Response({"marked": marked})
