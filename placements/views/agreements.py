"""Agreement pages: list, create and edit drafts, detail with versions, signatures and history,
the state-changing POST buttons, and the PDF and scan downloads (served through Django after the
access check, never from a public media URL)."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coop.access import MANAGERS, require_role
from coop.downloads import file_download
from coop.http import client_ip, error_text, run_action
from coop.lists import ListSpec, field_filter, list_response, search_filter
from coop.models import Role
from coop.workflow import history_for

from ..access import can_manage, get_agreement_for_user, signable_parties_for_user
from ..forms.agreements import AgreementForm, OutsideSignatureForm, ReasonForm, SignForm
from ..models import Agreement
from ..selectors import agreements as selectors
from ..selectors import lists, visibility
from ..selectors.agreements import PARTY_LABELS
from ..services import agreements as services

# Roles that have agreements to see: the office, partner people (their partner's, once issued)
# and students (their own pledges, once issued). Faculty have none.
VIEWERS = MANAGERS | {Role.PARTNER, Role.STUDENT}
AGREEMENT_LIST = ListSpec(
    template="placements/agreements/list.html",
    search=search_filter(
        "title",
        lists.search_partners("partner"),
        lists.search_themes("theme"),
        lists.search_people("application__student"),
    ),
    filters=(
        lists.state_filter(Agreement),
        field_filter("kind", Agreement._meta.get_field("kind").verbose_name, "kind", lambda r: Agreement.Kind.choices),
        lists.partner_filter(),
    ),
    sorts={
        "title": (_lazy("Title"), ["title"]),
        "kind": (_lazy("Kind"), ["kind"]),
        "partner": (_lazy("Partner"), ["partner__name"]),
        "state": (_lazy("State"), ["state"]),
        "created": (_lazy("created"), ["created_at"]),
    },
    default_sort="-created",
    rows=selectors.agreement_list_rows,
)


def _role(request):
    return request.membership.role


def _form_errors(form):
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_GET
@require_role(VIEWERS)
def agreement_list(request, tenant_slug):
    queryset = visibility.agreements_for_user(request.user, _role(request))
    context = {"can_manage": can_manage(request), "search_hint": _("Title, partner, theme or student")}
    return list_response(request, queryset, AGREEMENT_LIST, context)


@require_role(MANAGERS)
def agreement_create(request, tenant_slug):
    initial = {key: request.GET[key] for key in ("kind", "partner", "theme", "application") if request.GET.get(key)}
    form = AgreementForm(request.POST or None, initial=initial, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(tenant=request.tenant, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft was created. Issue it when it is ready for signature."))
            return redirect(agreement.get_absolute_url())
    return render(request, "placements/agreements/form.html", {"form": form, "agreement": None})


@require_role(MANAGERS)
def agreement_update(request, tenant_slug, pk):
    agreement = get_agreement_for_user(request, pk)
    if agreement.state != Agreement.State.DRAFT:
        messages.error(request, _("Only a draft can be edited: amend the agreement first."))
        return redirect(agreement.get_absolute_url())
    form = AgreementForm(request.POST or None, instance=agreement, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(agreement=agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(agreement.get_absolute_url())
    return render(request, "placements/agreements/form.html", {"form": form, "agreement": agreement})


@require_GET
@require_role(VIEWERS)
def agreement_detail(request, tenant_slug, pk):
    agreement = get_agreement_for_user(request, pk)
    versions = list(selectors.versions_for_agreement(agreement))
    current = versions[0] if versions else None
    signed = {s.party: s for s in current.signatures.all()} if current else {}
    parties = [{"code": p, "label": PARTY_LABELS.get(p, p), "signature": signed.get(p)} for p in agreement.parties]
    signable = signable_parties_for_user(agreement, current, request.user)
    manager = can_manage(request)
    unsigned = [p for p in agreement.parties if p not in signed]
    is_issued = agreement.state == Agreement.State.ISSUED
    # During an amendment the draft is the office's; the parties read the last issued text.
    issued_text = current.context if current and agreement.state == Agreement.State.DRAFT and not manager else None
    amendment_number = None
    if agreement.is_being_amended and current:
        amendment_number = current.number + 1 if agreement.state == Agreement.State.DRAFT else current.number
    return render(
        request,
        "placements/agreements/detail.html",
        {
            "agreement": agreement,
            "in_force": next((v for v in versions if v.pk == agreement.in_force_version_id), None),
            "amendment_number": amendment_number,
            "issued_text": issued_text,
            "versions": versions,
            "current": current,
            "parties": parties,
            "sign_form": SignForm(parties=signable, initial={"signed_name": request.user.full_name}, prefix="sign")
            if signable and current.pdf
            else None,
            "sign_waits_for_pdf": bool(signable) and not current.pdf,
            "outside_form": OutsideSignatureForm(parties=unsigned, prefix="outside")
            if manager and is_issued and unsigned
            else None,
            "amend_form": ReasonForm(prefix="amend"),
            "terminate_form": ReasonForm(prefix="terminate"),
            "can_manage": manager,
            "can_edit": manager and agreement.state == Agreement.State.DRAFT,
            "can_amend": manager and agreement.state in (Agreement.State.ISSUED, Agreement.State.IN_FORCE),
            "can_terminate": manager and agreement.state != Agreement.State.TERMINATED,
            "history": history_for(agreement),
        },
    )


@require_POST
@require_role(MANAGERS)
def agreement_issue(request, tenant_slug, pk):
    agreement = get_agreement_for_user(request, pk)
    return run_action(
        request,
        lambda: services.agreement_issue(agreement=agreement, by=request.user),
        success=_("The agreement was issued for signature."),
        redirect_to=agreement.get_absolute_url(),
    )


@require_POST
@require_role(VIEWERS)
def agreement_sign(request, tenant_slug, pk):
    agreement = get_agreement_for_user(request, pk)
    form = SignForm(request.POST, parties=agreement.parties, prefix="sign")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(agreement.get_absolute_url())
    return run_action(
        request,
        lambda: services.agreement_sign(
            agreement=agreement,
            party=form.cleaned_data["party"],
            signed_name=form.cleaned_data["signed_name"],
            signer=request.user,
            ip_address=client_ip(request),
        ),
        success=_("Your signature was recorded."),
        redirect_to=agreement.get_absolute_url(),
    )


@require_POST
@require_role(MANAGERS)
def agreement_mark_signed_outside(request, tenant_slug, pk):
    agreement = get_agreement_for_user(request, pk)
    form = OutsideSignatureForm(request.POST, request.FILES, parties=agreement.parties, prefix="outside")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(agreement.get_absolute_url())
    return run_action(
        request,
        lambda: services.agreement_mark_signed_outside(
            agreement=agreement,
            party=form.cleaned_data["party"],
            signed_name=form.cleaned_data["signed_name"],
            scan=form.cleaned_data["scan"],
            by=request.user,
        ),
        success=_("The signature made outside the portal was recorded."),
        redirect_to=agreement.get_absolute_url(),
    )


def _reason_action(request, pk, service, success, prefix):
    agreement = get_agreement_for_user(request, pk)
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Give a reason.") + " " + _form_errors(form))
        return redirect(agreement.get_absolute_url())
    return run_action(
        request,
        lambda: service(agreement=agreement, reason=form.cleaned_data["reason"], by=request.user),
        success=success,
        redirect_to=agreement.get_absolute_url(),
    )


@require_POST
@require_role(MANAGERS)
def agreement_amend(request, tenant_slug, pk):
    return _reason_action(
        request,
        pk,
        services.agreement_amend,
        _("The agreement is a draft again: edit it, then issue the new version."),
        prefix="amend",
    )


@require_POST
@require_role(MANAGERS)
def agreement_terminate(request, tenant_slug, pk):
    return _reason_action(
        request, pk, services.agreement_terminate, _("The agreement was terminated."), prefix="terminate"
    )


@require_POST
@require_role(MANAGERS)
def agreement_version_rerender(request, tenant_slug, pk):
    version = get_object_or_404(
        selectors.agreement_versions_for_user(request.user, _role(request)).select_related("agreement"), pk=pk
    )
    try:
        services.agreement_version_rerender(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The PDF is being rendered again."))
    return redirect(version.agreement.get_absolute_url())


def _download(request, file, filename, what, *, as_attachment=True):
    return file_download(request, file, filename=filename, what=what, as_attachment=as_attachment)


@never_cache
@require_GET
@require_role(VIEWERS)
def agreement_version_pdf(request, tenant_slug, pk):
    version = get_object_or_404(
        selectors.agreement_versions_for_user(request.user, _role(request)).select_related("agreement"), pk=pk
    )
    reference = version.context.get("reference") or f"agreement-{version.agreement_id}"
    # Rendered by the portal from its own template: shown in the browser's PDF viewer.
    filename, what = f"{reference}-v{version.number}.pdf", f"agreement_version:{version.pk}"
    return _download(request, version.pdf, filename, what, as_attachment=False)


@never_cache
@require_GET
@require_role(VIEWERS)
def agreement_version_pdf_status(request, tenant_slug, pk):
    """The small part of the agreement page that shows the version's PDF, polled by htmx while
    it is being rendered. A page waiting for it to sign is reloaded once it is ready, to show the
    signing form."""
    version = get_object_or_404(selectors.agreement_versions_for_user(request.user, _role(request)), pk=pk)
    waiting = request.GET.get("waiting") == "1"
    response = render(request, "placements/agreements/_pdf_status.html", {"version": version, "waiting": waiting})
    if waiting and version.pdf and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@never_cache
@require_GET
@require_role(MANAGERS)
def agreement_signature_scan(request, tenant_slug, pk):
    signature = get_object_or_404(
        selectors.signatures_for_user(request.user, _role(request)).select_related("version"), pk=pk
    )
    suffix = Path(signature.scan.name).suffix.lower() if signature.scan else ""
    filename = f"signature-{signature.version.agreement_id}-v{signature.version.number}-{signature.party}{suffix}"
    return _download(request, signature.scan, filename, f"signature_scan:{signature.pk}")


urlpatterns = [
    path("agreements/", agreement_list, name="agreement_list"),
    path("agreements/new/", agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreement_update, name="agreement_update"),
    path("agreements/<int:pk>/issue/", agreement_issue, name="agreement_issue"),
    path("agreements/<int:pk>/sign/", agreement_sign, name="agreement_sign"),
    path("agreements/<int:pk>/sign-outside/", agreement_mark_signed_outside, name="agreement_mark_signed_outside"),
    path("agreements/<int:pk>/amend/", agreement_amend, name="agreement_amend"),
    path("agreements/<int:pk>/terminate/", agreement_terminate, name="agreement_terminate"),
    path("agreements/versions/<int:pk>/pdf-status/", agreement_version_pdf_status, name="agreement_version_pdf_status"),
    path("agreements/versions/<int:pk>/pdf/", agreement_version_pdf, name="agreement_version_pdf"),
    path("agreements/versions/<int:pk>/render/", agreement_version_rerender, name="agreement_version_rerender"),
    path("agreements/signatures/<int:pk>/scan/", agreement_signature_scan, name="agreement_signature_scan"),
]
