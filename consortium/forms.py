"""Forms of the consortium app."""

from types import SimpleNamespace

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.uploads import DOCUMENT, UploadField
from placements.models import Agreement
from reports.forms import ReportGuideForm
from reports.models import ReportGuide
from rubrics.builtins import TEMPLATES as RUBRIC_TEMPLATES
from surveys.forms import SurveyFormEditForm

from .models import PracticeCase, SharedPartner, Stage
from .services import rubric_from_template

TEMPLATE_KINDS = (Agreement.Kind.AGREEMENT, Agreement.Kind.STUDENT_PLEDGE)


class CommonSurveyForm(SurveyFormEditForm):
    """One survey form of the common program, edited as a member edits its own (the surveys
    app's editor: a row per question). Its code stays from version to version; an empty block
    is no survey form."""

    code = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    leave_out = forms.BooleanField(label=_("Leave this survey form out of the new version"), required=False)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, survey=SimpleNamespace(**item) if item else None, **kwargs)
        self.item = item
        self.fields["name"].required = False
        if item:
            self.initial.setdefault("code", item["code"])
        else:
            del self.fields["leave_out"]

    def value(self):
        """The survey form for the service, or None when left out or empty."""
        data = self.cleaned_data
        if data.get("leave_out"):
            return None
        return {
            "code": data.get("code", ""),
            "name": data.get("name", ""),
            "description": data.get("description", ""),
            "questions": self.questions(),
        }


class CommonProgramForm(forms.Form):
    """The next version of the common program. Filled from the latest version. Its survey forms
    (one block each, and an empty one to add one) and its report guide are forms of their own
    (`survey_blocks`, `guide_form`), from the surveys and reports apps."""

    name = forms.CharField(label=_("program name"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 4}))
    rubric_template = forms.ChoiceField(
        label=_("rubric"), choices=[(key, t["label"]) for key, t in RUBRIC_TEMPLATES.items()]
    )
    rubric_name = forms.CharField(label=_("rubric name"), max_length=200, required=False)
    evaluation_name = forms.CharField(label=_("evaluation form name"), max_length=200, required=False)
    evaluation_criteria = forms.CharField(
        label=_("evaluation criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: label | description. Leave empty for no evaluation form."),
        max_length=20000,
    )
    evaluation_questions = forms.CharField(
        label=_("free-text questions"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    evaluation_scale_max = forms.IntegerField(label=_("highest score"), min_value=2, max_value=10, initial=5)
    changes = forms.CharField(
        label=_("what changed"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, latest=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if latest is not None:
            initial.setdefault("name", latest.name)
            initial.setdefault("description", latest.description)
            initial.setdefault("rubric_template", latest.rubric.get("template", ""))
            initial.setdefault("rubric_name", latest.rubric.get("name", ""))
            for key, text in latest.phases.items():
                initial.setdefault(f"phase_{key}", text)
            for template in latest.templates:
                initial.setdefault(f"template_{template['kind']}", template["text"])
            evaluation = latest.evaluation_form
            if evaluation:
                initial.setdefault("evaluation_name", evaluation["name"])
                initial.setdefault("evaluation_criteria", evaluation["criteria_text"])
                initial.setdefault("evaluation_questions", evaluation["questions_text"])
                initial.setdefault("evaluation_scale_max", evaluation["scale_max"])
        super().__init__(*args, **kwargs)
        for value, label in Stage.choices:
            self.fields[f"phase_{value}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
            )
        kinds = dict(Agreement.Kind.choices)
        for kind in TEMPLATE_KINDS:
            self.fields[f"template_{kind}"] = forms.CharField(
                label=_("Template: %(kind)s") % {"kind": kinds[kind]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=20000,
            )
        data = self.data if self.is_bound else None
        items = list(latest.survey_forms) if latest is not None else []
        self.survey_blocks = [
            CommonSurveyForm(data, prefix=f"survey{n}", item=item) for n, item in enumerate([*items, None])
        ]
        self.guide_form = ReportGuideForm(
            data, prefix="guide", initial=dict(latest.report_guide) if latest is not None else {}
        )

    def is_valid(self):
        valid = [super().is_valid(), self.guide_form.is_valid(), *(b.is_valid() for b in self.survey_blocks)]
        return all(valid)

    def guide_fields(self):
        """(report, its fields) of the report guide, daily report first."""
        form = self.guide_form
        return [
            (_("Daily report"), [form[name] for name in ReportGuide.DAILY_FIELDS]),
            (_("Monthly report"), [form[name] for name in ReportGuide.MONTHLY_FIELDS]),
        ]

    def publish_values(self):
        data, kinds = self.cleaned_data, dict(Agreement.Kind.choices)
        return {
            "name": data["name"],
            "description": data["description"],
            "phases": {value: data[f"phase_{value}"] for value in Stage.values},
            "rubric": rubric_from_template(data["rubric_template"], name=data["rubric_name"]),
            "templates": [
                {"kind": kind, "title": str(kinds[kind]), "text": data[f"template_{kind}"]} for kind in TEMPLATE_KINDS
            ],
            "evaluation_form": {
                "name": data["evaluation_name"],
                "criteria_text": data["evaluation_criteria"],
                "questions_text": data["evaluation_questions"],
                "scale_max": data["evaluation_scale_max"],
            },
            "survey_forms": [value for block in self.survey_blocks if (value := block.value())],
            "report_guide": self.guide_form.prompts(),
            "changes": data["changes"],
        }


class PracticeCaseForm(ScopedModelForm):
    file = UploadField(label=_("attachment"), rule=DOCUMENT, required=False)

    class Meta:
        model = PracticeCase
        fields = ["title", "practice", "lessons", "file"]
        widgets = {"practice": forms.Textarea(attrs={"rows": 6}), "lessons": forms.Textarea(attrs={"rows": 4})}


class SharedPartnerForm(forms.ModelForm):
    class Meta:
        model = SharedPartner
        fields = ["name", "corporate_number", "address"]


class PartnerLinkForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("your partner"), queryset=None)
    shared_partner = forms.ModelChoiceField(label=_("shared partner of the consortium"), queryset=None)

    def __init__(self, *args, partners, shared_partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["shared_partner"].queryset = shared_partners


class AdoptForm(forms.Form):
    use_evaluation_form = forms.BooleanField(
        label=_("Also evaluate with the common program's evaluation form"),
        required=False,
        help_text=_(
            "Your institution has one evaluation form: it becomes this one. Evaluations already made keep theirs."
        ),
    )
