from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import request_user
from members.selectors import membership_list_for_user


class MeOrganizationOutput(serializers.Serializer):
    slug = serializers.SlugField(source="organization.slug")
    name = serializers.CharField(source="organization.name")
    role = serializers.CharField()


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    language = serializers.CharField()
    organizations = MeOrganizationOutput(many=True)


class MeView(APIView):
    """The caller: who they are and the organisations they act for."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeOutput, operation_id="me_retrieve")
    def get(self, request: Request) -> Response:
        user = request_user(request)
        data = {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "organizations": membership_list_for_user(user=user),
        }
        return Response(MeOutput(data).data)
