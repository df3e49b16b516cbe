from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from coop.access import MANAGERS, require_role
from coop.http import run_action
from coop.lists import ListSpec, field_filter, list_response, search_filter
from coop.models import Role

from ..access import get_partner_for_user
from ..exports import TABLES
from ..forms.partners import ContactForm, DepartmentForm, PartnerForm, PractitionerForm
from ..models import Partner, PartnerContact
from ..selectors.partners import partner_detail_context, partner_list_rows
from ..selectors.visibility import partners_for_user
from ..services import partners as services

PARTNER_LIST = ListSpec(
    template="placements/partners/list.html",
    search=search_filter("name", "name_kana", "industry"),
    filters=(
        field_filter("kind", Partner._meta.get_field("kind").verbose_name, "kind", lambda r: Partner.Kind.choices),
        field_filter(
            "active",
            gettext_lazy("Status"),
            "is_active",
            lambda r: [("1", gettext_lazy("Active")), ("0", gettext_lazy("inactive"))],
        ),
    ),
    sorts={
        "name": (pgettext_lazy("of a thing", "Name"), ["name"]),
        "kana": (Partner._meta.get_field("name_kana").verbose_name, ["name_kana"]),
        "kind": (gettext_lazy("Kind"), ["kind", "name"]),
        "industry": (gettext_lazy("Industry"), ["industry", "name"]),
    },
    default_sort="name",
    rows=partner_list_rows,
    export=TABLES["partners"],
)


@require_role(MANAGERS, Role.PARTNER)
def partner_list(request, tenant_slug):
    queryset = partners_for_user(request.user, request.membership.role)
    return list_response(request, queryset, PARTNER_LIST, {"search_hint": _("Name, kana or industry")})


@require_role(MANAGERS)
def partner_create(request, tenant_slug):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(tenant=request.tenant, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect(partner)
    return render(request, "placements/partners/form.html", {"form": form})


@require_role(MANAGERS, Role.PARTNER)
def partner_detail(request, tenant_slug, pk):
    partner = get_partner_for_user(request, pk)
    context = {"partner": partner, **partner_detail_context(partner), "department_form": DepartmentForm()}
    return render(request, "placements/partners/detail.html", context)


@require_role(MANAGERS)
def partner_edit(request, tenant_slug, pk):
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(partner=partner, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect(partner)
    return render(request, "placements/partners/form.html", {"form": form, "partner": partner})


@require_role(MANAGERS)
def contact_edit(request, tenant_slug, pk, contact_pk=None):
    partner = get_object_or_404(Partner, pk=pk)
    contact = get_object_or_404(PartnerContact, pk=contact_pk, partner=partner) if contact_pk else None
    form = ContactForm(request.POST or None, instance=contact, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(partner=partner, contact=contact, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(partner)
    return render(request, "placements/partners/contact_form.html", {"form": form, "partner": partner})


@require_POST
@require_role(MANAGERS)
def contact_invite(request, tenant_slug, pk, contact_pk):
    contact = get_object_or_404(PartnerContact, pk=contact_pk, partner_id=pk)
    return run_action(
        request,
        lambda: services.contact_invite(contact=contact, by=request.user),
        success=_("An invitation was sent to %(email)s.") % {"email": contact.email},
        redirect_to=contact.partner,
    )


@require_POST
@require_role(MANAGERS)
def department_add(request, tenant_slug, pk):
    partner = get_object_or_404(Partner, pk=pk)
    form = DepartmentForm(request.POST)
    if form.is_valid():
        partner.departments.create(tenant=partner.tenant, name=form.cleaned_data["name"])
        messages.success(request, _("Department added."))
    else:
        messages.error(request, _("Enter the department's name."))
    return redirect(partner)


@require_role(MANAGERS)
def practitioner_appoint(request, tenant_slug, pk, contact_pk):
    contact = get_object_or_404(PartnerContact.objects.select_related("partner"), pk=contact_pk, partner_id=pk)
    existing = getattr(contact, "practitioner", None)
    form = PractitionerForm(request.POST or None, instance=existing)
    low_experience = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.practitioner_appoint(contact=contact, by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
            low_experience = True
        else:
            messages.success(request, _("%(name)s is appointed as practitioner faculty.") % {"name": contact.full_name})
            return redirect(contact.partner)
    elif request.method == "POST":
        low_experience = "exception_reason" in form.errors
    return render(
        request,
        "placements/partners/practitioner_form.html",
        {"form": form, "contact": contact, "low_experience": low_experience},
    )


urlpatterns = [
    path("partners/", partner_list, name="partner_list"),
    path("partners/new/", partner_create, name="partner_create"),
    path("partners/<int:pk>/", partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", partner_edit, name="partner_edit"),
    path("partners/<int:pk>/departments/", department_add, name="department_add"),
    path("partners/<int:pk>/contacts/new/", contact_edit, name="contact_add"),
    path("partners/<int:pk>/contacts/<int:contact_pk>/", contact_edit, name="contact_edit"),
    path("partners/<int:pk>/contacts/<int:contact_pk>/invite/", contact_invite, name="contact_invite"),
    path(
        "partners/<int:pk>/contacts/<int:contact_pk>/practitioner/", practitioner_appoint, name="practitioner_appoint"
    ),
]
