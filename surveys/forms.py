"""Forms of the surveys app: the form editor (a row per question, one empty row to add one),
opening a round, and answering (a field per question, built from the form version)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.clock import tenant_today
from placements.models import Program, Term

from .models import RATING_SCALE, Audience, QuestionType, SurveyForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NEW_ROWS = 3
NEW_FORM_ROWS = 5


class SurveyFormEditForm(forms.Form):
    """The whole survey on one page: per question its text, kind, whether it must be answered,
    and its choices (one per line). Empty rows at the end add questions; an emptied text
    removes one."""

    name = forms.CharField(label=pgettext_lazy("of a thing", "Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Shown to the people answering, above the questions."),
    )

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = list(survey.questions) if survey is not None else []
        if survey is not None:
            self.initial.setdefault("name", survey.name)
            self.initial.setdefault("description", survey.description)
        self.rows = []
        for n, question in enumerate([*existing, *([None] * (NEW_ROWS if survey is not None else NEW_FORM_ROWS))]):
            self.rows.append(self._row(n, question))

    def _row(self, n, question):
        number = n + 1
        fields = {
            "text": forms.CharField(label=_("Question %(n)s") % {"n": number}, max_length=500, required=False),
            "type": forms.ChoiceField(
                label=_("Kind"), choices=QuestionType.choices, initial=QuestionType.RATING, required=False
            ),
            "required": forms.BooleanField(label=_("Must be answered"), required=False),
            "choices": forms.CharField(
                label=_("Choices (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
            ),
        }
        names = {}
        for field, form_field in fields.items():
            name = f"q{n}_{field}"
            self.fields[name] = form_field
            names[field] = name
        if question is not None:
            self.initial.setdefault(names["text"], question["text"])
            self.initial.setdefault(names["type"], question["type"])
            self.initial.setdefault(names["required"], question.get("required", False))
            self.initial.setdefault(names["choices"], "\n".join(question.get("choices", [])))
        return {"key": question["key"] if question else "", "names": names, "new": question is None, "number": number}

    def bound_rows(self):
        return [
            {"new": row["new"], "number": row["number"], **{field: self[name] for field, name in row["names"].items()}}
            for row in self.rows
        ]

    def questions(self):
        """The questions from the cleaned data, each keeping its key; rows without text are left out."""
        data, found = self.cleaned_data, []
        for row in self.rows:
            names = row["names"]
            text = (data.get(names["text"]) or "").strip()
            if not text:
                continue
            found.append(
                {
                    "key": row["key"],
                    "text": text,
                    "type": data.get(names["type"]) or QuestionType.RATING,
                    "required": bool(data.get(names["required"])),
                    "choices": [c.strip() for c in (data.get(names["choices"]) or "").splitlines() if c.strip()],
                }
            )
        return found


class RoundForm(forms.Form):
    form = forms.ModelChoiceField(label=_("Survey"), queryset=SurveyForm._base_manager.none())
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program._base_manager.none())
    term = forms.ModelChoiceField(
        label=_("Term"),
        queryset=Term._base_manager.none(),
        required=False,
        help_text=_("Empty: every placement of the program."),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    audiences = forms.MultipleChoiceField(
        label=_("Asked"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Audience.values),
        error_messages={"required": _("Ask at least one group of people.")},
    )
    send_links = forms.BooleanField(
        label=_("Email each partner person their link now"),
        required=False,
        initial=True,
        help_text=_("Partner people answer through the link, without an account."),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = SurveyForm.objects.filter(tenant=tenant, is_current=True).order_by("name")
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")
        self.fields["term"].queryset = Term.objects.filter(tenant=tenant).select_related("program")
        today = tenant_today(tenant)
        self.initial.setdefault("opens_on", today)
        self.initial.setdefault("closes_on", today + datetime.timedelta(days=14))

    def clean(self):
        cleaned = super().clean()
        term, program = cleaned.get("term"), cleaned.get("program")
        if term and program and term.program_id != program.pk:
            self.add_error("term", _("Choose a term of the selected program."))
        return cleaned


class RoundDatesForm(forms.Form):
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)


class AnswerForm(forms.Form):
    """A field per question of the form version. Whether a question must be answered is the
    service's rule (surveys.services.answers_clean), which names every question left empty."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.names = []
        for question in survey.questions:
            name = f"a_{question['key']}"
            kind = question["type"]
            label = question["text"]
            if kind == QuestionType.RATING:
                field = forms.ChoiceField(
                    label=label,
                    choices=[(str(v), str(v)) for v in RATING_SCALE],
                    widget=forms.RadioSelect,
                    required=False,
                    help_text=_("1: not at all – 5: very much"),
                )
            elif kind == QuestionType.SINGLE:
                field = forms.ChoiceField(
                    label=label, choices=[(c, c) for c in question["choices"]], widget=forms.RadioSelect, required=False
                )
            elif kind == QuestionType.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=[(c, c) for c in question["choices"]],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            else:
                field = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 4}), required=False)
            field.question = question
            self.fields[name] = field
            self.names.append(name)

    def question_fields(self):
        return [self[name] for name in self.names]

    def raw(self):
        return {name.removeprefix("a_"): self.cleaned_data.get(name) for name in self.names}
