"""Views of the consortium app: the consortium's own pages under /c/<slug>/ (consortium.access)
and a member's pages under /t/<slug>/consortium/ (its adoption, write-ups, partner links)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_scopes import scopes_disabled

from coop import rls
from coop.access import ADMINS, MANAGERS, require_role
from coop.downloads import file_download
from coop.http import run_action
from coop.lists import ListSpec, field_filter, list_response, search_filter
from coop.workflow import history_for

from . import selectors, services
from .access import consortium_page
from .forms import AdoptForm, CommonProgramForm, PartnerLinkForm, PracticeCaseForm, SharedPartnerForm
from .models import Adoption, PartnerLink, PracticeCase, SharedPartner

# --- The consortium's pages (/c/<slug>/) ------------------------------------------------------------


def _page(request, template, **context):
    return render(request, template, {"consortium": request.consortium, "viewer": request.viewer, **context})


@require_GET
@consortium_page()
def home(request, slug):
    return _page(
        request,
        "consortium/home.html",
        tab="home",
        latest=selectors.latest_version(request.consortium),
        members=selectors.members(request.consortium),
    )


@require_GET
@consortium_page()
def program(request, slug):
    versions = selectors.versions(request.consortium)
    return _page(request, "consortium/program.html", tab="program", versions=versions)


@require_http_methods(["GET", "POST"])
@consortium_page(coordinators_only=True)
def program_publish(request, slug):
    latest = selectors.latest_version(request.consortium)
    form = CommonProgramForm(request.POST or None, latest=latest)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.common_program_publish(
                consortium=request.consortium, by=request.user, **form.publish_values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(number)s of the common program is published: members see it and adopt or accept it.")
                % {"number": version.number},
            )
            return redirect("consortium:program", slug=slug)
    return _page(request, "consortium/program_publish.html", tab="program", form=form, latest=latest)


@require_GET
@consortium_page()
def figures(request, slug):
    this_year = selectors.current_academic_year()
    years = list(range(this_year, this_year - 5, -1))
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if year not in years:
        year = this_year
    table = selectors.figures_table(request.consortium, year=year, rows_for=request.viewer.rows_for)
    return _page(request, "consortium/figures.html", tab="figures", table=table, years=years)


@require_GET
@consortium_page()
def library(request, slug):
    return _page(request, "consortium/library.html", tab="library", cases=selectors.library(request.consortium))


@require_GET
@consortium_page()
def library_case(request, slug, pk):
    case = selectors.library_case(request.consortium, pk)
    if case is None:
        raise Http404
    return _page(request, "consortium/library_case.html", tab="library", case=case)


@require_GET
@consortium_page()
def library_file(request, slug, pk):
    case = selectors.library_case(request.consortium, pk)
    if case is None or not case.file:
        raise Http404
    # Logged in the author's institution: it shared the file and may see who read it.
    with scopes_disabled(), rls.bypass("consortium-library"):
        return file_download(
            request,
            case.file,
            filename=case.file.name.rsplit("/", 1)[-1],
            what=_("Good practice: %(title)s") % {"title": case.title},
            tenant=case.tenant,
        )


def _partners_page(request, form):
    rows = selectors.shared_partner_figures(request.consortium, own=request.viewer.rows_for)
    return _page(request, "consortium/partners.html", tab="partners", rows=rows, form=form)


@require_GET
@consortium_page()
def partners(request, slug):
    return _partners_page(request, SharedPartnerForm() if request.viewer.is_coordinator else None)


@require_POST
@consortium_page(coordinators_only=True)
def partner_create(request, slug):
    form = SharedPartnerForm(request.POST, instance=SharedPartner(consortium=request.consortium))
    if form.is_valid():
        try:
            services.shared_partner_create(consortium=request.consortium, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The shared partner is recorded: members can link their own partner to it."))
            return redirect("consortium:partners", slug=slug)
    return _partners_page(request, form)


# --- A member's pages (/t/<slug>/consortium/) -----------------------------------------------------------


def _member_consortium(request, pk):
    """A consortium the request's tenant is a member of, else 404."""
    for membership in selectors.consortiums_of_tenant(request.tenant):
        if membership.consortium_id == pk:
            return membership.consortium
    raise Http404


@require_GET
@require_role(MANAGERS)
def member_home(request, tenant_slug):
    adoptions = selectors.adoptions_of_tenant(request.tenant)
    entries = []
    for membership in selectors.consortiums_of_tenant(request.tenant):
        consortium = membership.consortium
        adoption = adoptions.get(consortium.pk)
        latest = selectors.latest_version(consortium)
        entries.append(
            {
                "consortium": consortium,
                "joined_on": membership.joined_on,
                "latest": latest,
                "adoption": adoption,
                "templates": selectors.adopted_templates(adoption) if adoption else [],
                "update": adoption is not None and latest is not None and latest.number > adoption.version.number,
            }
        )
    return render(request, "consortium/member_home.html", {"entries": entries, "adopt_form": AdoptForm()})


def _use_form(request):
    form = AdoptForm(request.POST)
    return form.is_valid() and form.cleaned_data["use_evaluation_form"]


@require_POST
@require_role(ADMINS)
def adopt(request, tenant_slug, pk):
    consortium = _member_consortium(request, pk)
    return run_action(
        request,
        lambda: services.common_program_adopt(
            consortium=consortium, tenant=request.tenant, by=request.user, use_evaluation_form=_use_form(request)
        ),
        success=_("The common program is adopted: it is now your institution's program, with its rubric."),
        redirect_to=reverse("consortium_member:home", kwargs={"tenant_slug": tenant_slug}),
    )


@require_POST
@require_role(ADMINS)
def update_accept(request, tenant_slug, pk):
    consortium = _member_consortium(request, pk)
    adoption = get_object_or_404(Adoption, tenant=request.tenant, consortium=consortium)
    return run_action(
        request,
        lambda: services.common_program_update_accept(
            adoption=adoption, by=request.user, use_evaluation_form=_use_form(request)
        ),
        success=_("Your copy of the common program follows the latest version."),
        redirect_to=reverse("consortium_member:home", kwargs={"tenant_slug": tenant_slug}),
    )


PRACTICE_LIST = ListSpec(
    template="consortium/practice_list.html",
    search=search_filter("title", "practice"),
    filters=(
        field_filter("state", gettext_lazy("state"), "state", choices=lambda request: PracticeCase.State.choices),
    ),
    sorts={
        "title": (gettext_lazy("title"), ["title"]),
        "created": (gettext_lazy("created"), ["created_at", "id"]),
    },
    default_sort="-created",
)


@require_GET
@require_role(MANAGERS)
def practice_list(request, tenant_slug):
    context = {"consortiums": selectors.consortiums_of_tenant(request.tenant), "search_hint": _("Title or practice")}
    return list_response(request, selectors.practices_of_tenant(request.tenant), PRACTICE_LIST, context)


@require_http_methods(["GET", "POST"])
@require_role(MANAGERS)
def practice_create(request, tenant_slug, pk):
    consortium = _member_consortium(request, pk)
    form = PracticeCaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.practice_save(
                tenant=request.tenant, consortium=consortium, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The write-up is saved as a draft: share it when it is ready."))
            return redirect("consortium_member:practice_edit", tenant_slug=tenant_slug, pk=case.pk)
    return render(request, "consortium/practice_form.html", {"form": form, "consortium": consortium})


@require_http_methods(["GET", "POST"])
@require_role(MANAGERS)
def practice_edit(request, tenant_slug, pk):
    case = get_object_or_404(PracticeCase, tenant=request.tenant, pk=pk)
    form = PracticeCaseForm(request.POST or None, request.FILES or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_save(
                tenant=request.tenant, consortium=case.consortium, by=request.user, case=case, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The write-up is saved."))
            return redirect("consortium_member:practice_edit", tenant_slug=tenant_slug, pk=case.pk)
    return render(
        request,
        "consortium/practice_form.html",
        {"form": form, "case": case, "consortium": case.consortium, "history": history_for(case)},
    )


@require_POST
@require_role(MANAGERS)
def practice_state(request, tenant_slug, pk):
    case = get_object_or_404(PracticeCase, tenant=request.tenant, pk=pk)
    actions = {
        PracticeCase.State.SHARED: (services.practice_share, _("The write-up is in the consortium's library.")),
        PracticeCase.State.WITHDRAWN: (
            services.practice_withdraw,
            _("The write-up is withdrawn from the consortium's library."),
        ),
    }
    if request.POST.get("to") not in actions:
        raise Http404  # not a button the page offers
    action, success = actions[request.POST["to"]]
    return run_action(
        request,
        lambda: action(case=case, by=request.user),
        success=success,
        redirect_to=reverse("consortium_member:practice_edit", kwargs={"tenant_slug": tenant_slug, "pk": case.pk}),
    )


@require_GET
@require_role(MANAGERS)
def practice_file(request, tenant_slug, pk):
    case = get_object_or_404(PracticeCase, tenant=request.tenant, pk=pk)
    return file_download(
        request,
        case.file,
        filename=case.file.name.rsplit("/", 1)[-1],
        what=_("Good practice: %(title)s") % {"title": case.title},
    )


def _links_page(request, form):
    return render(
        request,
        "consortium/partner_links.html",
        {"links": selectors.partner_links_of_tenant(request.tenant), "form": form},
    )


def _link_form(request, data=None):
    return PartnerLinkForm(
        data,
        partners=selectors.partners_to_link(request.tenant),
        shared_partners=SharedPartner.objects.filter(consortium__members__member=request.tenant).order_by("name"),
    )


@require_http_methods(["GET", "POST"])
@require_role(MANAGERS)
def partner_links(request, tenant_slug):
    form = _link_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_link(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your partner is linked to the consortium's shared partner record."))
            return redirect("consortium_member:partner_links", tenant_slug=tenant_slug)
    return _links_page(request, form)


@require_POST
@require_role(MANAGERS)
def partner_unlink(request, tenant_slug, pk):
    link = get_object_or_404(PartnerLink, tenant=request.tenant, pk=pk)
    return run_action(
        request,
        lambda: services.partner_unlink(link=link, by=request.user),
        success=_("The link is removed."),
        redirect_to=reverse("consortium_member:partner_links", kwargs={"tenant_slug": tenant_slug}),
    )
