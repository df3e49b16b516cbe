from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import ADMINS, EVERY_ROLE, MANAGERS
from .registry import NAV_ITEMS, register_nav

register_nav(0, "coop:dashboard", _("Dashboard"), EVERY_ROLE)
register_nav(75, "coop:reminders", _("Reminders"), EVERY_ROLE)
register_nav(72, "coop:exports", _("Exports"), MANAGERS)
register_nav(80, "coop:members", _("Members"), MANAGERS)
register_nav(81, "coop:invitations", _("Invitations"), MANAGERS)
register_nav(90, "coop:tenant_settings", _("Settings"), ADMINS)
register_nav(99, "coop:help", _("Help"), EVERY_ROLE)


def portal(request):
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    if membership is None or tenant is None:
        return {"nav": [], "current_role": None}
    nav = []
    for item in NAV_ITEMS:
        if membership.role in item.roles:
            url = reverse(item.url_name, kwargs={"tenant_slug": tenant.slug})
            active = request.path == url or (item.order and request.path.startswith(url) and url.count("/") > 3)
            nav.append({"url": url, "label": item.label, "active": active})
    return {"nav": nav, "current_role": membership.role}
