import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from . import rls
from .clock import tenant_zone
from .models import Membership, Tenant

TENANT_PATH = re.compile(r"^/t/(?P<slug>[-a-zA-Z0-9_]+)/")


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie and the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TenantMiddleware:
    """Resolves the tenant from `/t/<slug>/`, checks membership, and runs the view and the
    template rendering inside the tenant's scope.

    Anonymous visitors are sent to the login page (whether or not the tenant exists);
    signed-in people who are not members get a 404, the same as for a tenant that does not exist.
    The Django admin is for platform operators only and sees all tenants on purpose (a named
    row-level security bypass); elsewhere the database shows only the tenant's rows (coop.rls).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        if request.path_info.startswith("/admin/") and request.user.is_superuser:
            with scopes_disabled(), rls.bypass("operator-admin"):
                return self.get_response(request)
        match = TENANT_PATH.match(request.path_info)
        if not match:
            return self.get_response(request)

        try:
            public = getattr(resolve(request.path_info).func, "tenant_public", False)
        except Resolver404:
            public = False
        if not public and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        tenant = Tenant.objects.filter(slug=match["slug"], is_active=True).first()
        if tenant is None:
            raise Http404
        with scope(tenant=tenant), rls.tenant(tenant):
            if request.user.is_authenticated:
                request.membership = Membership.objects.filter(tenant=tenant, user=request.user, is_active=True).first()
            if request.membership is None and not public:
                raise Http404
            request.tenant = tenant
            timezone.activate(tenant_zone(tenant))
            try:
                response = self.get_response(request)
            finally:
                timezone.deactivate()
        return response


def _anonymous_upload_limit(request):
    """What the view of this path lets a visitor without an account send (coop.http.
    anonymous_upload: an entry with its file); resolved only for a body over the usual limit."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return 0
    return getattr(view, "anonymous_upload_max_bytes", 0)


class RequestSizeLimitMiddleware:
    """Refuses a body larger than the limit before anything reads it (413): an anonymous
    request may send little (sign-in, emailed links), a member up to the largest upload.
    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE does not bound file uploads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_BYTES if request.user.is_authenticated else settings.ANONYMOUS_REQUEST_MAX_BYTES
        if length > limit and not request.user.is_authenticated:
            limit = max(limit, _anonymous_upload_limit(request))
        if length > limit:
            return HttpResponse(_("The request is too large."), status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
