"""The "sign in with your university account" button (coop.saml) on the sign-in page."""

import re

from django import template

from .. import saml
from ..models import Tenant
from ..saml_views import sign_in_url

register = template.Library()

_TENANT_PATH = re.compile(r"^/t/(?P<slug>[-a-zA-Z0-9_]+)/")


def _chosen_slug(request):
    """The tenant asked for (?tenant=<slug>) or the one the visitor was on its way to (?next=/t/<slug>/...)."""
    slug = request.GET.get("tenant", "").strip()
    if not slug:
        match = _TENANT_PATH.match(request.GET.get("next", ""))
        slug = match["slug"] if match else ""
    return slug


@register.inclusion_tag("coop/_saml_sign_in.html", takes_context=True)
def saml_sign_in(context):
    request = context["request"]
    slug = _chosen_slug(request)
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first() if slug else None
    idp = saml.identity_provider_for(tenant, enabled_only=True) if tenant else None
    return {
        # Just signed out of the portal: the IdP's logout, once (single logout).
        "saml_slo_url": request.session.pop(saml.SLO_SESSION_KEY, ""),
        "saml_tenant": tenant if idp else None,
        "saml_url": sign_in_url(tenant) if idp else "",
        "saml_tenants": [] if idp else saml.tenants_with_saml(),
    }
