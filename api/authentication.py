"""Who calls the API: a bearer token of one tenant (api.models.ApiToken), what it may do (its
scopes, per area and read/write), and how often (a fixed window per token in the cache)."""

import math

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import BaseThrottle

from .selectors import api_token_for_raw


class TokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if parts[0].lower() != self.keyword or len(parts) != 2:
            raise exceptions.AuthenticationFailed()
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed() from error
        token = api_token_for_raw(raw)
        if token is None or token.status != "active" or not token.maker_is_admin:
            raise exceptions.AuthenticationFailed()
        return token.created_by, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "<institution>.<secret>"}


def required_scope(request, view):
    area = getattr(view, "area", None)
    if area is None:
        return None
    return f"{area}:{'read' if request.method in SAFE_METHODS else 'write'}"


class HasScope(BasePermission):
    """A token with the view's area and the method's action (read for GET, write otherwise)."""

    def has_permission(self, request, view):
        token = request.auth
        if token is None:
            return False
        needed = required_scope(request, view)
        if needed is not None and not token.allows(needed):
            self.message = _("This token lacks the permission %(scope)s.") % {"scope": needed}
            return False
        return True


class TokenRateThrottle(BaseThrottle):
    """At most API_RATE_PER_MINUTE requests per token per clock minute (shared by every web
    process through the cache; with Redis down the cache fails open and so does the limit)."""

    def allow_request(self, request, view):
        token = request.auth
        if token is None:
            return True
        now = timezone.now().timestamp()
        window = int(now // 60)
        key = f"api:rate:{token.pk}:{window}"
        cache.add(key, 0, timeout=70)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=70)
            count = 1
        if count > settings.API_RATE_PER_MINUTE:
            self._wait = max(1, math.ceil((window + 1) * 60 - now))
            return False
        return True

    def wait(self):
        return getattr(self, "_wait", 60)
