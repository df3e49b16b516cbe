"""Who may open a consortium's pages (under /c/<slug>/, outside any tenant).

- its coordinators: everything, every member's row of the shared figures (suppressed cells);
- the admins and staff of its member institutions: the common program, the library, the shared
  partners, and of the figures their own institution's row beside the consortium's total;
- another member's student, faculty or partner person: 403 (they may know the consortium);
- anyone else: 404, as for a consortium that does not exist.

A member's own rows (its adoption, write-ups, partner links) are its tenant pages under
/t/<slug>/consortium/, with the usual @require_role.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coop.access import MANAGERS

from . import selectors


@dataclass(frozen=True)
class Viewer:
    consortium: object
    is_coordinator: bool
    manager_of: frozenset  # member tenant ids where the person is admin or staff

    @property
    def rows_for(self):
        """The member tenants whose row of the shared figures this person sees by name."""
        if self.is_coordinator:
            return None  # every member
        return self.manager_of


def consortium_viewer(user, consortium):
    """The person's standing in the consortium, or None when they have none (a stranger)."""
    coordinator = selectors.is_coordinator(user, consortium)
    roles = selectors.member_roles(user, consortium)
    if not coordinator and not roles:
        return None
    return Viewer(
        consortium=consortium,
        is_coordinator=coordinator,
        manager_of=frozenset(t for t, role in roles.items() if role in MANAGERS),
    )


def consortium_page(*, coordinators_only=False):
    """View decorator for /c/<slug>/ pages: signs in first, then 404 for strangers and 403 for
    too little standing; the view gets `request.consortium` and `request.viewer`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            consortium = selectors.consortium_by_slug(slug)
            viewer = consortium_viewer(request.user, consortium) if consortium else None
            if viewer is None:
                raise Http404
            allowed = viewer.is_coordinator or (not coordinators_only and viewer.manager_of)
            if not allowed:
                raise PermissionDenied
            request.consortium, request.viewer = consortium, viewer
            return view(request, slug, *args, **kwargs)

        wrapper.coordinators_only = coordinators_only
        return wrapper

    return decorator
