from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm

from ..models import Program, Term, YearPlan


class ProgramForm(ScopedModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "kind",
            "description",
            "min_months",
            "max_months",
            "is_active",
            "orientation_required",
            "reflection_cadence",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty months take the kind's usual ones (co-op 4 to 12): a new program starts empty.
        for name in ("min_months", "max_months"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Leave empty for the usual months of the kind (co-op: 4 to 12).")
            if self.instance.pk is None:
                self.initial[name] = None


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

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        if program is not None and not program.has_directions:
            # Other programs only place students: one planned number, no inbound plan.
            del self.fields["planned_inbound"]
            self.fields["planned_outbound"].label = _("students to place")
