"""Pages of institution sign-in (SAML): the administrator's settings, the members' approval of
requests, and the page a person waiting for approval sees. The SAML exchange itself is
allauth's (/accounts/saml/<tenant slug>/...)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import saml
from .access import ADMINS, MANAGERS, require_role, tenant_public
from .models import Membership, MembershipRequest, SamlIdentityProvider
from .saml_forms import MembershipRequestForm, SamlIdentityProviderForm


def _error_text(error):
    return " ".join(error.messages)


def sign_in_url(tenant):
    """Where the "sign in with your university account" button leads (GET: see settings)."""
    login = reverse("saml_login", kwargs={"organization_slug": tenant.slug})
    return f"{login}?process=login&next={reverse('coop:dashboard', kwargs={'tenant_slug': tenant.slug})}"


@require_role(ADMINS)
def saml_settings(request, tenant_slug):
    tenant = request.tenant
    instance = SamlIdentityProvider.objects.filter(tenant=tenant).first() or SamlIdentityProvider(tenant=tenant)
    form = SamlIdentityProviderForm(request.POST or None, request.FILES or None, instance=instance, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("metadata_file")
        try:
            saml.identity_provider_save(
                idp=form.save(commit=False),
                metadata_xml=upload.read().decode("utf-8", "replace") if upload else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("coop:saml_settings", tenant_slug=tenant_slug)
    sp = {
        "metadata": request.build_absolute_uri(reverse("saml_metadata", kwargs={"organization_slug": tenant.slug})),
        "acs": request.build_absolute_uri(reverse("saml_acs", kwargs={"organization_slug": tenant.slug})),
        "sls": request.build_absolute_uri(reverse("saml_sls", kwargs={"organization_slug": tenant.slug})),
    }
    return render(request, "coop/saml_settings.html", {"form": form, "sp": sp, "idp": instance})


@require_POST
@require_role(MANAGERS)
def membership_request_decide(request, tenant_slug, pk):
    membership_request = get_object_or_404(MembershipRequest, pk=pk)
    form = MembershipRequestForm(request.POST)
    approve = request.POST.get("action") == "approve"
    try:
        if not form.is_valid() or (approve and not form.cleaned_data["role"]):
            raise ValidationError(_("Choose a valid role."))
        saml.membership_request_decide(
            membership_request=membership_request, role=form.cleaned_data["role"] if approve else None, by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if approve:
            messages.success(request, _("%(name)s joined the institution.") % {"name": membership_request.user})
        else:
            messages.success(request, _("The request of %(name)s was declined.") % {"name": membership_request.user})
    return redirect("coop:members", tenant_slug=tenant_slug)


@tenant_public
def saml_pending(request, tenant_slug):
    """After an institution sign-in that did not make the person a member (yet): waiting for
    approval, or access removed. Signed-out visitors get the sign-in button."""
    tenant = request.tenant
    membership = request.membership
    if membership is not None:
        return redirect("coop:dashboard", tenant_slug=tenant_slug)
    state = "signed_out"
    if request.user.is_authenticated:
        if Membership.objects.filter(tenant=tenant, user=request.user).exists():
            state = "removed"
        elif saml.membership_request_pending_for(tenant, request.user):
            state = "waiting"
        else:
            state = "none"
    idp = saml.identity_provider_for(tenant, enabled_only=True)
    return render(
        request,
        "coop/saml_pending.html",
        {"state": state, "saml_url": sign_in_url(tenant) if idp else ""},
    )
