"""Who may do what. Small explicit helpers, one per question, used by every view.

Roles come from the membership in the current tenant (set by TenantMiddleware). Another
tenant's object is never reachable because every query runs in the request's tenant scope,
so a foreign id is a 404; too little role inside the right tenant is a 403.
"""

from functools import cache, wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLResolver, get_resolver

from .models import Role

MANAGERS = frozenset({Role.ADMIN, Role.STAFF})
ADMINS = frozenset({Role.ADMIN})
EVERY_ROLE = frozenset(Role)


def has_role(request, roles):
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in roles


def require_role(*roles):
    """View decorator: the request's membership must have one of `roles`, else 403."""
    allowed = frozenset(role for group in roles for role in ([group] if isinstance(group, str) else group))

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request, allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def is_operator(user):
    """A platform operator: a superuser (the same people the Django admin lets in)."""
    return user.is_authenticated and user.is_active and user.is_superuser


def require_operator(view):
    """View decorator for the operator's pages outside any tenant: sign in first, then only
    platform operators (403 for everyone else)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def tenant_public(view):
    """Marks a tenant URL that needs no membership (public project index, invitation links)."""
    view.tenant_public = True
    return view


@cache
def _views_by_url_name():
    found = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif pattern.name:
                found.setdefault(namespace + pattern.name, pattern.callback)

    walk(get_resolver().url_patterns)
    return found


def view_roles(url_name):
    """The roles the view behind `url_name` lets in (its @require_role): the one source for
    navigation and for the links and buttons a page shows."""
    view = _views_by_url_name()[url_name]
    roles = getattr(view, "allowed_roles", None)
    if roles is None:
        raise LookupError(f"{url_name} declares no roles (@require_role)")
    return roles


def may_open(request, url_name):
    """Whether the request's member may open `url_name` (templates: `request|may:"app:name"`)."""
    return has_role(request, view_roles(url_name))
