"""Who may do what. Small explicit helpers, one per question, used by every view.

Roles come from the membership in the current tenant (set by TenantMiddleware). Another
tenant's object is never reachable because every query runs in the request's tenant scope,
so a foreign id is a 404; too little role inside the right tenant is a 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

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


def tenant_public(view):
    """Marks a tenant URL that needs no membership (public project index, invitation links)."""
    view.tenant_public = True
    return view
