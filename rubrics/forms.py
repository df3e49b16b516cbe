"""Forms of the rubrics app. Choice fields get the tenant's rows in __init__ (ScopedModelForm
starts them empty), so no list can offer another tenant's objects."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.clock import tenant_today
from coop.formfields import ScopedModelForm
from placements.models import Placement, Program, Term

from .builtins import TEMPLATES
from .models import AssessmentWindow, Rater, Rubric

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TemplateForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Start from"),
        choices=[],
        error_messages={"required": _("Choose a template."), "invalid_choice": _("Choose a template.")},
    )
    name = forms.CharField(
        label=pgettext_lazy("of a thing", "Name"),
        max_length=200,
        required=False,
        help_text=_("Empty: the template's name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(code, t["label"]) for code, t in TEMPLATES.items()]


class RubricEditForm(forms.Form):
    """The whole rubric on one page: its levels, and per criterion its name, weight, group and
    a descriptor per level. An empty row at the end adds a criterion; an emptied name removes one."""

    name = forms.CharField(label=pgettext_lazy("of a thing", "Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.initial.setdefault("name", rubric.name)
        self.initial.setdefault("description", rubric.description)
        self.level_rows = []
        for level in rubric.levels:
            name = f"level_{level['value']}"
            self.fields[name] = forms.CharField(
                label=_("Label of level %(value)s") % {"value": level["value"]}, max_length=100, required=False
            )
            self.initial.setdefault(name, level["label"])
            self.level_rows.append(name)
        self.criterion_rows = []
        for n, criterion in enumerate([*rubric.criteria, None]):
            self.criterion_rows.append(self._criterion_fields(n, criterion))

    def _criterion_fields(self, n, criterion):
        prefix = f"c{n}"
        number = n + 1
        fields = {
            "name": forms.CharField(label=_("Criterion %(n)s") % {"n": number}, max_length=200, required=False),
            "weight": forms.DecimalField(
                label=_("Weight"), min_value=0.01, max_value=100, decimal_places=2, required=False, initial=1
            ),
            "group": forms.CharField(label=_("Group"), max_length=100, required=False),
        }
        if self.rubric.kind == Rubric.Kind.LIKERT:
            fields["reverse"] = forms.BooleanField(label=_("Reverse-scored"), required=False)
        else:
            for level in self.rubric.levels:
                fields[f"d{level['value']}"] = forms.CharField(
                    label=_("Level %(value)s") % {"value": level["value"]},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        names = {}
        for field, form_field in fields.items():
            name = f"{prefix}_{field}"
            self.fields[name] = form_field
            names[field] = name
        if criterion is not None:
            self.initial.setdefault(names["name"], criterion["name"])
            self.initial.setdefault(names["weight"], criterion["weight"])
            self.initial.setdefault(names["group"], criterion.get("group", ""))
            if "reverse" in names:
                self.initial.setdefault(names["reverse"], criterion.get("reverse", False))
            for level in self.rubric.levels:
                key = f"d{level['value']}"
                if key in names:
                    self.initial.setdefault(names[key], criterion.get("descriptors", {}).get(str(level["value"]), ""))
        return {"key": criterion["key"] if criterion else None, "names": names, "new": criterion is None}

    def bound_rows(self):
        rows = []
        for row in self.criterion_rows:
            names = row["names"]
            descriptors = [self[names[f"d{lv['value']}"]] for lv in self.rubric.levels if f"d{lv['value']}" in names]
            rows.append(
                {
                    "new": row["new"],
                    "name": self[names["name"]],
                    "weight": self[names["weight"]],
                    "group": self[names["group"]],
                    "reverse": self[names["reverse"]] if "reverse" in names else None,
                    "descriptors": descriptors,
                }
            )
        return rows

    def levels_rows(self):
        return [self[name] for name in self.level_rows]

    def structure(self):
        """(levels, criteria) from the cleaned data, keeping each criterion's key."""
        data = self.cleaned_data
        levels = [
            {"value": level["value"], "label": data.get(f"level_{level['value']}") or str(level["value"])}
            for level in self.rubric.levels
        ]
        used = {row["key"] for row in self.criterion_rows if row["key"]}
        criteria = []
        for row in self.criterion_rows:
            names = row["names"]
            name = (data.get(names["name"]) or "").strip()
            if not name:
                continue
            key = row["key"]
            if key is None:
                n = 1
                while f"c{n}" in used:
                    n += 1
                key = f"c{n}"
                used.add(key)
            criteria.append(
                {
                    "key": key,
                    "name": name,
                    "weight": data.get(names["weight"]) or 1,
                    "group": data.get(names["group"]) or "",
                    "reverse": bool(data.get(names.get("reverse", ""), False)),
                    "descriptors": {
                        str(level["value"]): data.get(names.get(f"d{level['value']}", ""), "") or ""
                        for level in self.rubric.levels
                    },
                }
            )
        return levels, criteria


class WindowForm(ScopedModelForm):
    raters = forms.MultipleChoiceField(
        label=_("Raters asked"), choices=Rater.choices, widget=forms.CheckboxSelectMultiple, initial=list(Rater.values)
    )

    class Meta:
        model = AssessmentWindow
        fields = ["rubric", "phase", "program", "term", "placement", "opens_on", "closes_on"]
        widgets = {"opens_on": DATE, "closes_on": DATE}
        help_texts = {
            "program": _("All placements of the program's themes (or of one term) are assessed."),
            "placement": _("Or a single placement instead of a program."),
        }

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.filter(tenant=tenant, is_current=True).order_by("name")
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")
        self.fields["term"].queryset = Term.objects.filter(tenant=tenant).select_related("program")
        self.fields["placement"].queryset = Placement.objects.filter(tenant=tenant).select_related("student", "partner")
        today = tenant_today(tenant)
        self.initial.setdefault("opens_on", today)
        self.initial.setdefault("closes_on", today + datetime.timedelta(days=14))


class WindowDatesForm(forms.Form):
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)


class AssessmentForm(forms.Form):
    """One radio group per criterion (its descriptors beside the levels) and a comment."""

    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.criterion_names = []
        for criterion in rubric.criteria:
            name = f"score_{criterion['key']}"
            choices = []
            for level in rubric.levels:
                descriptor = criterion.get("descriptors", {}).get(str(level["value"]), "")
                label = f"{level['label']}: {descriptor}" if descriptor else level["label"]
                choices.append((str(level["value"]), label))
            self.fields[name] = forms.ChoiceField(
                label=criterion["name"], choices=choices, widget=forms.RadioSelect, required=True
            )
            self.criterion_names.append(name)

    def criteria_fields(self):
        return [self[name] for name in self.criterion_names]

    def raw(self):
        return {name.removeprefix("score_"): self.cleaned_data.get(name) for name in self.criterion_names}


class LinkSendForm(forms.Form):
    contact = forms.ChoiceField(label=_("Send to"), choices=[])

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = {str(c.pk): c for c in contacts}
        self.fields["contact"].choices = [(str(c.pk), f"{c.full_name} <{c.email}>") for c in contacts]

    def clean_contact(self):
        return self.contacts[self.cleaned_data["contact"]]


class CohortForm(forms.Form):
    rubric = forms.ChoiceField(label=_("Rubric"), choices=[])
    rater = forms.ChoiceField(label=_("Rater"), choices=Rater.choices, initial=Rater.SELF)
    program = forms.ChoiceField(label=_("Program"), choices=[], required=False)
    term = forms.ChoiceField(label=_("Term"), choices=[], required=False)
    theme = forms.ChoiceField(label=_("Theme"), choices=[], required=False)

    def __init__(self, *args, tenant, themes, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.rubrics = {str(r.pk): r for r in Rubric.objects.filter(tenant=tenant, is_current=True).order_by("name")}
        self.fields["rubric"].choices = [(pk, r.name) for pk, r in self.rubrics.items()]
        self.programs = {str(p.pk): p for p in Program.objects.filter(tenant=tenant).order_by("name")}
        self.fields["program"].choices = everything + [(pk, p.name) for pk, p in self.programs.items()]
        self.terms = {str(t.pk): t for t in Term.objects.filter(tenant=tenant).select_related("program")}
        self.fields["term"].choices = everything + [(pk, str(t)) for pk, t in self.terms.items()]
        self.themes = {str(t.pk): t for t in themes.order_by("title")}
        self.fields["theme"].choices = everything + [(pk, t.title) for pk, t in self.themes.items()]
        if not self.is_bound and self.rubrics:
            # Nothing chosen yet: the first rubric, as the students rated themselves.
            self.data = {"rubric": next(iter(self.rubrics)), "rater": Rater.SELF}
            self.is_bound = True

    def selection(self):
        data = self.cleaned_data
        return {
            "rubric": self.rubrics.get(data.get("rubric")),
            "rater": data.get("rater") or Rater.SELF,
            "program": self.programs.get(data.get("program") or ""),
            "term": self.terms.get(data.get("term") or ""),
            "theme": self.themes.get(data.get("theme") or ""),
        }
