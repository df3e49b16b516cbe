from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coop.access import MANAGERS, has_role, require_role
from coop.downloads import file_download
from coop.http import run_action
from coop.lists import ListSpec, list_response, search_filter
from coop.models import Role
from coop.workflow import ItemsRefused

from ..access import get_application_for_user, get_theme_for_user
from ..exports import APPLICATIONS_TABLE
from ..forms.selection import AcceptedBulkForm, ApplicationForm, InterviewForm
from ..models import Application
from ..selectors import lists
from ..selectors.selection import application_detail_context
from ..selectors.visibility import applications_for_user
from ..selectors.waiting import accepted_applications
from ..services import selection as services
from ..services.placements import placements_create_for_applications

SELECTORS = frozenset({*MANAGERS, Role.PARTNER})

APPLICATION_LIST = ListSpec(
    template="placements/selection/list.html",
    search=search_filter(
        lists.search_people("student"), lists.search_partners("theme__partner"), lists.search_themes("theme")
    ),
    filters=(
        lists.state_filter(Application),
        lists.program_filter("theme__program"),
        lists.term_filter("theme__term"),
        lists.partner_filter("theme__partner"),
    ),
    sorts={
        "student": (gettext_lazy("Student"), ["student__full_name"]),
        "theme": (gettext_lazy("Theme"), ["theme__title"]),
        "applied": (gettext_lazy("Applied"), ["created_at"]),
        "state": (gettext_lazy("State"), ["state"]),
    },
    default_sort="-applied",
    rows=lambda page: page.select_related("student", "theme", "theme__partner", "entry"),
    export=APPLICATIONS_TABLE,
)


@require_role(Role.STUDENT)
def theme_apply(request, tenant_slug, pk):
    theme = get_theme_for_user(request, pk)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                theme=theme,
                student=request.user,
                motivation=form.cleaned_data["motivation"],
                file=form.cleaned_data.get("file"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your application was sent."))
            return redirect(application)
    return render(request, "placements/selection/apply.html", {"form": form, "theme": theme})


@require_role(SELECTORS, Role.STUDENT)
def application_list(request, tenant_slug):
    context = {
        # Those who select see everyone's applications; a student sees their own.
        "own_applications": not has_role(request, SELECTORS),
        "search_hint": _("Student, kana, email, student number, partner or theme"),
    }
    queryset = applications_for_user(request.user, request.membership.role)
    return list_response(request, queryset, APPLICATION_LIST, context)


@require_role(SELECTORS, Role.STUDENT)
def application_detail(request, tenant_slug, pk):
    application = get_application_for_user(request, pk)
    context = {
        "application": application,
        "interview_form": InterviewForm(application=application),
        "can_select": has_role(request, SELECTORS),
        "may_issue_pledge": has_role(request, ACTIONS["prepare_pledge"][1]),
        "is_student": request.user.pk == application.student_id,
        **application_detail_context(application),
    }
    return render(request, "placements/selection/detail.html", context)


@require_role(SELECTORS, Role.STUDENT)
def application_file(request, tenant_slug, pk):
    application = get_application_for_user(request, pk)
    return file_download(
        request,
        application.file,
        filename=application.file.name.rsplit("/")[-1],
        what=f"application_file:{pk}",
        as_attachment=True,
    )


ACTIONS = {
    # action: (service, who may do it, success message)
    "shortlist": (services.application_shortlist, SELECTORS, gettext_lazy("The applicant is shortlisted.")),
    "select": (services.application_select, SELECTORS, gettext_lazy("The applicant is selected.")),
    "reject": (services.application_reject, SELECTORS, gettext_lazy("The applicant was told they were not selected.")),
    "accept": (
        services.application_accept,
        {Role.STUDENT},
        gettext_lazy(
            "You accepted. The placement office now prepares your student pledge; you will be told "
            "when it is ready to sign."
        ),
    ),
    "prepare_pledge": (
        services.application_prepare_pledge,
        MANAGERS,
        gettext_lazy("The student pledge was issued for signing."),
    ),
    "decline": (services.application_decline, {Role.STUDENT}, gettext_lazy("You declined the offer.")),
    "withdraw": (services.application_withdraw, {Role.STUDENT}, gettext_lazy("Your application was withdrawn.")),
}


@require_POST
@require_role(SELECTORS, Role.STUDENT)
def application_action(request, tenant_slug, pk, action):
    if action not in ACTIONS:
        raise Http404
    service, roles, success = ACTIONS[action]
    if request.membership.role not in roles:
        raise PermissionDenied
    application = get_application_for_user(request, pk)
    return run_action(
        request,
        lambda: service(application=application, by=request.user),
        success=str(success),
        redirect_to=application,
    )


@require_POST
@require_role(SELECTORS)
def interview_add(request, tenant_slug, pk):
    application = get_application_for_user(request, pk)
    form = InterviewForm(request.POST, application=application)
    if form.is_valid():
        values = {**form.cleaned_data, "participants": list(form.cleaned_data["participants"])}
        try:
            services.interview_record(application=application, by=request.user, **values)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Interview recorded."))
    else:
        # Name the date when it is the problem; any other field's error says what it is.
        problems = [_("Enter the interview's date and time.")] if "held_at" in form.errors else []
        problems += [str(e) for name, errors in form.errors.items() if name != "held_at" for e in errors]
        messages.error(request, " ".join(problems))
    return redirect(application)


@require_role(MANAGERS)
def accepted_students(request, tenant_slug):
    """Accepted students without a pledge or a placement; several at once: issue their pledges
    or register their placements. Refused for one student, nothing is saved, and the page
    says which students and why."""
    applications = accepted_applications()
    form = AcceptedBulkForm(request.POST or None, applications=applications)
    refused = {}
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["applications"])
        try:
            if form.cleaned_data["action"] == "pledges":
                done = services.applications_prepare_pledges(applications=chosen, by=request.user)
                success = _("%(count)s student pledges were issued for signing.")
            else:
                done = placements_create_for_applications(
                    applications=chosen,
                    by=request.user,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
                success = _("%(count)s placements were registered.")
        except ItemsRefused as error:
            refused = {application.pk: " ".join(e.messages) for application, e in error.refused.items()}
            form.add_error(None, error)
        else:
            messages.success(request, success % {"count": len(done)})
            return redirect("placements:accepted_students", tenant_slug=tenant_slug)
    chosen_ids = {str(v) for v in form["applications"].value() or ()}
    rows = [
        {"application": a, "checked": str(a.pk) in chosen_ids, "refused": refused.get(a.pk, "")} for a in applications
    ]
    return render(request, "placements/selection/accepted.html", {"form": form, "rows": rows})


urlpatterns = [
    path("applications/accepted/", accepted_students, name="accepted_students"),
    path("themes/<int:pk>/apply/", theme_apply, name="theme_apply"),
    path("applications/", application_list, name="application_list"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/file/", application_file, name="application_file"),
    path("applications/<int:pk>/interviews/", interview_add, name="interview_add"),
    path("applications/<int:pk>/do/<str:action>/", application_action, name="application_action"),
]
