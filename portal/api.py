"""The shared part of the REST API: error mapping, token login, `me`, and units."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.models import Unit, User
from portal.permissions import get_unit_for, roles_of, visible_units
from portal.text import reject_control_characters
from portal.voting import MAX_VOTES, Ballot


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Not allowed in the current state.")
    default_code = "conflict"


def exception_handler(exc, context):
    """Input to fix becomes 400, broken rules 409, NotAllowed 403; DRF's own errors keep theirs."""
    if isinstance(exc, IncompleteInput):
        exc = exceptions.ValidationError(
            {
                ("non_field_errors" if field == "__all__" else field): [message]
                for field, message in exc.errors.items()
            }
        )
    elif isinstance(exc, DomainError):
        exc = Conflict(exc.message)
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


class TokenView(APIView):
    """POST {"username", "password"} (and "otp", the current TOTP code, for whoever has a second
    factor) → {"token", "expiry"}; 400 when the credentials are wrong or the code is missing or
    wrong; 429 while the sign-in is locked."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField(),
             "otp": serializers.CharField(required=False, help_text="the current TOTP code (second factor)")},
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(),
                                                            "expiry": serializers.DateTimeField()}),
                   429: inline_serializer("LockedOut", {"detail": serializers.CharField()})},
    )  # fmt: skip
    def post(self, request, *args, **kwargs):
        from axes.exceptions import AxesBackendPermissionDenied
        from django.contrib.auth.signals import user_logged_in
        from rest_framework.authtoken.serializers import AuthTokenSerializer

        from portal import second_factor, tokens
        from portal.lockout import wait_in_words

        body = AuthTokenSerializer(data=request.data, context={"request": request._request})
        try:
            body.is_valid(raise_exception=True)
        except AxesBackendPermissionDenied:
            return Response({"detail": wait_in_words()}, status=429)
        user = body.validated_data["user"]
        if second_factor.has_second_factor(user):
            code = request.data.get("otp") if isinstance(request.data, dict) else None
            if not code:
                raise serializers.ValidationError(
                    {"otp": [_("Give the current code of your authenticator app.")]}
                )
            if not second_factor.verify(user, str(code)[:16]):
                second_factor.code_refused(request._request, user.username)
                raise serializers.ValidationError({"otp": [_("This code is wrong or has expired.")]})
        token, value = tokens.issue(user)
        # A sign-in like the form's: the failures before it are forgotten, last_login is kept.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": value, "expiry": token.expiry})


class TokenSerializer(serializers.Serializer):
    starts_with = serializers.CharField(source="token_key", help_text="the first characters of the token")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.SerializerMethodField(help_text="whether this request came with it")

    def get_current(self, token) -> bool:
        return token.pk == getattr(self.context["request"].auth, "pk", None)


class TokensView(APIView):
    """The caller's API tokens that have not expired: when issued, until when, their first
    characters — never their value."""

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request):
        from portal import tokens

        current = tokens.current_of(request.user)
        return Response(TokenSerializer(current, many=True, context={"request": request}).data)


class LogoutView(APIView):
    """Ends the token this request came with (204). Without a token (a browser session), 400."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        from knox.models import AuthToken

        from portal import tokens

        if not isinstance(request.auth, AuthToken):
            raise exceptions.ValidationError({"detail": _("This request did not come with a token.")})
        tokens.revoke(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Ends every token of the caller (204)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        from portal import tokens

        tokens.revoke_all(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "username": user.username,
            "full_name": user.full_name,
            "unit": user.unit.code if user.unit_id else None,
            "roles": roles_of(user),
        }
        return Response(MeSerializer(data).data)


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "depth", "closed_on", "successor"]


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Units the caller may see: own unit, the subtrees they cover, single grants."""

    serializer_class = UnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]{1,32}"

    def get_queryset(self):
        return visible_units(self.request.user).select_related("parent", "successor")

    def get_object(self):
        return get_unit_for(self.request.user, self.kwargs["code"])


class BallotSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=150)
    vote = serializers.ChoiceField(choices=Ballot.choices)


class CollectiveVoteSerializer(serializers.Serializer):
    """The leadership collective's vote: counts, or the vote of each member (`votes`), which must
    agree with the collective's roll; the author and implementers are excluded from it."""

    votes_for = serializers.IntegerField(min_value=0, max_value=MAX_VOTES, required=False)
    votes_against = serializers.IntegerField(min_value=0, max_value=MAX_VOTES, required=False)
    votes_abstain = serializers.IntegerField(min_value=0, max_value=MAX_VOTES, required=False)
    head_vote = serializers.ChoiceField(choices=Ballot.choices[:2], required=False)
    votes = BallotSerializer(many=True, required=False, max_length=100)


TEXT_LIMIT = 20_000


def text(**kwargs) -> serializers.CharField:
    """A text field of the API: at most 20,000 characters, no control characters."""
    return serializers.CharField(max_length=TEXT_LIMIT, validators=[reject_control_characters], **kwargs)


def validated(request, serializer_class) -> dict:
    """The request body checked by `serializer_class` (400 with a message per field)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class AttachmentSerializerBase(serializers.ModelSerializer):
    """A file on the record (portal.models.AttachmentBase); each app names its model in Meta."""

    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        fields = ["id", "original_name", "kind", "size", "sha256", "description", "uploaded_at", "url"]
        read_only_fields = fields


class UploadBody(serializers.Serializer):
    """Multipart: `file` (PDF, DOCX, XLSX, ODT, JPEG or PNG, at most 20 MB) and a `description`."""

    file = serializers.FileField()
    description = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", validators=[reject_control_characters]
    )


class TransitionSerializerBase(serializers.ModelSerializer):
    """A row of an object's history, exactly as CONTRACT.md gives it: from, to, who, when, and the
    note — for a vote, its minutes (roll, exclusions, rule) in the reader's language. Each app's
    transition serializer names its model in Meta."""

    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    note = serializers.SerializerMethodField()

    class Meta:
        fields = ["from_status", "to_status", "actor", "at", "note"]

    def get_note(self, row) -> str:
        return row.text


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)

    def validate_username(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("No active person has this username."))
        return user
