from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import MANAGERS, require_role

from ..forms.programs import ProgramForm, TermForm, YearPlanForm
from ..models import Program
from ..selectors.programs import plan_vs_actual
from ..services import programs as services


def _form_errors(form):
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_role(MANAGERS)
def program_list(request, tenant_slug):
    programs = Program.objects.annotate(
        theme_count=Count("themes", distinct=True), term_count=Count("terms", distinct=True)
    )
    return render(request, "placements/programs/list.html", {"programs": programs})


@require_role(MANAGERS)
def program_edit(request, tenant_slug, pk=None):
    program = get_object_or_404(Program, pk=pk) if pk else None
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_save(
                tenant=request.tenant, program=program, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Program saved."))
            return redirect("placements:program_detail", tenant_slug=tenant_slug, pk=program.pk)
    return render(request, "placements/programs/form.html", {"form": form, "program": program})


@require_role(MANAGERS)
def program_detail(request, tenant_slug, pk):
    program = get_object_or_404(Program, pk=pk)
    return render(
        request,
        "placements/programs/detail.html",
        {
            "program": program,
            "terms": program.terms.all(),
            "plans": plan_vs_actual(program),
            # Both forms have an academic year: prefixes keep their field ids (and labels) apart.
            "term_form": TermForm(prefix="term"),
            "plan_form": YearPlanForm(prefix="plan", program=program),
        },
    )


@require_POST
@require_role(MANAGERS)
def term_add(request, tenant_slug, pk):
    program = get_object_or_404(Program, pk=pk)
    form = TermForm(request.POST, prefix="term")
    if form.is_valid():
        try:
            services.term_save(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Term added."))
    else:
        messages.error(request, _("Check the term's name and dates.") + " " + _form_errors(form))
    return redirect("placements:program_detail", tenant_slug=tenant_slug, pk=program.pk)


@require_POST
@require_role(MANAGERS)
def year_plan_set(request, tenant_slug, pk):
    program = get_object_or_404(Program, pk=pk)
    form = YearPlanForm(request.POST, prefix="plan", program=program)
    if form.is_valid():
        services.year_plan_set(program=program, by=request.user, **form.cleaned_data)
        messages.success(request, _("Yearly plan saved."))
    else:
        messages.error(request, _("Enter the year and the planned numbers.") + " " + _form_errors(form))
    return redirect("placements:program_detail", tenant_slug=tenant_slug, pk=program.pk)


urlpatterns = [
    path("programs/", program_list, name="program_list"),
    path("programs/new/", program_edit, name="program_create"),
    path("programs/<int:pk>/", program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", program_edit, name="program_edit"),
    path("programs/<int:pk>/terms/", term_add, name="term_add"),
    path("programs/<int:pk>/plans/", year_plan_set, name="year_plan_set"),
]
