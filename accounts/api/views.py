"""The accounts API: who the signed-in user is, with roles and scopes (``/me``)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import user_scope
from .serializers import MeSerializer


class MeApi(APIView):
    """The signed-in user's roles and scope. Permission: any authenticated user."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="当前用户及其角色、工作范围")
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "full_name": user.full_name,
            **user_scope(user=user),
        }
        return Response(MeSerializer(data).data)
