from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from coop.access import ADMINS, require_role
from coop.clock import tenant_now, tenant_today
from coop.downloads import content_download
from coop.summary import Scope, summary_csv, summary_pdf, summary_sections, summary_xlsx

from ..models import Program, Term


class SummaryScopeForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program._base_manager.none())
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term._base_manager.none(), required=False)
    academic_year = forms.IntegerField(
        label=_("Academic year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Used when no term is chosen."),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant)
        self.fields["term"].queryset = Term.objects.filter(tenant=tenant).select_related("program")

    def clean(self):
        cleaned = super().clean()
        term, program = cleaned.get("term"), cleaned.get("program")
        if term and program and term.program_id != program.pk:
            self.add_error("term", _("Choose a term of the selected program."))
        return cleaned


def _current_academic_year():
    today = tenant_today()
    return today.year if today.month >= 4 else today.year - 1


def _scope(request):
    form = SummaryScopeForm(request.GET or None, tenant=request.tenant)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    scope = Scope(
        tenant=request.tenant,
        program=data["program"],
        term=data["term"],
        academic_year=data["academic_year"] or _current_academic_year(),
    )
    return form, scope


@require_role(ADMINS)
def term_summary(request, tenant_slug):
    form, scope = _scope(request)
    context = {"form": form, "scope": scope, "query": request.GET.urlencode()}
    if scope is not None:
        context["sections"] = summary_sections(scope)
    return render(request, "placements/summary/page.html", context)


@require_role(ADMINS)
def term_summary_download(request, tenant_slug, fmt):
    form, scope = _scope(request)
    if scope is None or fmt not in ("pdf", "csv", "xlsx"):
        return render(request, "placements/summary/page.html", {"form": form}, status=400)
    sections = summary_sections(scope)
    if fmt == "pdf":
        body, content_type = summary_pdf(scope, sections, generated_at=tenant_now(request.tenant)), "application/pdf"
    elif fmt == "csv":
        body, content_type = summary_csv(scope, sections), "text/csv; charset=utf-8"
    else:
        body = summary_xlsx(scope, sections)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"summary-{scope.program.pk}-{scope.term.pk if scope.term else scope.academic_year}.{fmt}"
    rows = sum(len(s.rows) for s in sections)
    return content_download(request, body, filename=name, content_type=content_type, what="term_summary", rows=rows)


urlpatterns = [
    path("summary/", term_summary, name="term_summary"),
    path("summary/download.<str:fmt>", term_summary_download, name="term_summary_download"),
]
