from django import forms

from coop.formfields import ScopedModelForm

from ..models import Program, Term, YearPlan


class ProgramForm(ScopedModelForm):
    class Meta:
        model = Program
        fields = ["name", "kind", "description", "min_months", "max_months", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TermForm(ScopedModelForm):
    class Meta:
        model = Term
        fields = ["name", "academic_year", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }


class YearPlanForm(ScopedModelForm):
    class Meta:
        model = YearPlan
        fields = ["academic_year", "planned_outbound", "planned_inbound"]
