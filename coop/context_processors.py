from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import ADMINS, EVERY_ROLE, MANAGERS

# (url name, label, roles that see it). Later apps add their entries here.
NAVIGATION = [
    ("coop:dashboard", _("Dashboard"), EVERY_ROLE),
    ("coop:members", _("Members"), MANAGERS),
    ("coop:invitations", _("Invitations"), MANAGERS),
    ("coop:tenant_settings", _("Settings"), ADMINS),
    ("coop:help", _("Help"), EVERY_ROLE),
]


def portal(request):
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    if membership is None or tenant is None:
        return {"nav": [], "current_role": None}
    nav = []
    for name, label, roles in NAVIGATION:
        if membership.role in roles:
            url = reverse(name, kwargs={"tenant_slug": tenant.slug})
            nav.append({"url": url, "label": label, "active": request.path == url})
    return {"nav": nav, "current_role": membership.role}
