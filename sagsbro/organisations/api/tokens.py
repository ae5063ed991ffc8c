"""API tokens: the token endpoint (username and password in, a new token out) and the
caller's own tokens, to see and revoke."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sagsbro.core.api import AccessRule, ErrorSerializer
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.services import (
    API_TOKEN_ID_LENGTH,
    api_token_id,
    issue_api_token,
    live_api_tokens,
    revoke_api_token,
)
from sagsbro.organisations.signin import is_locked_out, lockout_message

INVALID_CREDENTIALS = "Kunne ikke logge ind med den angivne legitimation."


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")
    id = serializers.CharField(help_text="Names the token in /api/v1/auth/tokens/.")


class SignInErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class TokenView(APIView):
    """Exchange username and password for a new API token (for systems, not browsers)."""

    access_rule = AccessRule.SELF
    # Anyone may try; the credentials in the body are the authentication.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="Wrong username or password, or a field missing."
            ),
            429: OpenApiResponse(
                SignInErrorSerializer,
                description="Too many failed attempts: locked out for a while.",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # Axes reads and marks the Django request; DRF's wraps it.
        http_request = request._request
        user = authenticate(
            http_request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None:
            if is_locked_out(http_request):
                raise ServiceError("locked_out", lockout_message(), status=429)
            raise ServiceError("invalid_credentials", INVALID_CREDENTIALS)
        assert isinstance(user, User)
        token, value = issue_api_token(user)
        user_logged_in.send(sender=User, request=http_request, user=user)
        return Response(
            TokenResponseSerializer(
                {"token": value, "expiry": token.expiry, "id": api_token_id(token)}
            ).data
        )


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.SerializerMethodField(
        help_text="Whether this request was made with this token."
    )

    def get_id(self, token: AuthToken) -> str:
        return api_token_id(token)

    def get_current(self, token: AuthToken) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, AuthToken) and auth.digest == token.digest


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own live API tokens (never their values), and revoking one."""

    access_rule = AccessRule.SELF
    serializer_class = ApiTokenSerializer
    lookup_value_regex = f"[0-9a-f]{{{API_TOKEN_ID_LENGTH}}}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a user
            return AuthToken.objects.none()
        return live_api_tokens(self.request.user)  # type: ignore[arg-type]

    def get_object(self) -> AuthToken:
        token = self.get_queryset().filter(digest__startswith=self.kwargs["pk"]).first()
        if token is None:
            raise Http404
        return token

    def perform_destroy(self, instance: AuthToken) -> None:
        user = self.request.user
        assert isinstance(user, User)
        revoke_api_token(user, instance)

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="No such token.")})
    def destroy(self, request, *args, **kwargs):
        super().destroy(request, *args, **kwargs)
        return Response(status=status.HTTP_204_NO_CONTENT)
