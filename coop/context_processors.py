from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import view_roles
from .registry import NAV_ITEMS, register_nav

# Who sees an entry is who may open its view (coop.access.view_roles): no second list of roles.
register_nav(0, "coop:dashboard", _("Dashboard"))
register_nav(65, "coop:reminders", _("Reminders"))
register_nav(72, "coop:exports", _("Exports"))
register_nav(80, "coop:members", _("Members"))
register_nav(81, "coop:invitations", _("Invitations"))
register_nav(90, "coop:tenant_settings", _("Settings"))
register_nav(99, "coop:help", _("Help"))


# Entries ordered 70-98 are office tools (imports, exports, members, settings...): they go in
# a second menu so that the main navigation fits a phone and a small laptop.
OFFICE_TOOLS = range(70, 99)


def portal(request):
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    if membership is None or tenant is None:
        return {"nav": [], "nav_tools": [], "current_role": None}
    nav, tools = [], []
    for item in NAV_ITEMS:
        if membership.role in view_roles(item.url_name) - item.hide_from:
            url = reverse(item.url_name, kwargs={"tenant_slug": tenant.slug})
            active = request.path == url or (item.order and request.path.startswith(url) and url.count("/") > 3)
            (tools if item.order in OFFICE_TOOLS else nav).append({"url": url, "label": item.label, "active": active})
    return {"nav": nav, "nav_tools": tools, "current_role": membership.role}
