from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import RetrieveUpdateAPIView

from profiles.models import User


class MeSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ("id", "email", "name", "display_name", "is_staff", "date_joined")
        read_only_fields = ("id", "email", "is_staff", "date_joined")


@extend_schema(tags=["me"])
class MeView(RetrieveUpdateAPIView[User]):
    """The signed-in person. `id` is the same id used when listing mentors and mentees."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> User:
        return self.request.user  # type: ignore[return-value]
