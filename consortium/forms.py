"""Forms of the consortium app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.uploads import DOCUMENT, UploadField
from placements.models import Agreement
from rubrics.builtins import TEMPLATES as RUBRIC_TEMPLATES

from .models import PracticeCase, SharedPartner, Stage
from .services import rubric_from_template

TEMPLATE_KINDS = (Agreement.Kind.AGREEMENT, Agreement.Kind.STUDENT_PLEDGE)


class CommonProgramForm(forms.Form):
    """The next version of the common program. Filled from the latest version."""

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
