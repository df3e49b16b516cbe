from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm

from ..models import SIDE_LABELS, SIDES, ReflectionAction, ReflectionDialogue, StartOrientation

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrientationForm(ScopedModelForm):
    class Meta:
        model = StartOrientation
        fields = ["held_at", "place", "purpose", "goals", "working_style", "contact", "rules"]
        widgets = {
            "held_at": DATETIME,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "working_style": forms.Textarea(attrs={"rows": 3}),
            "contact": forms.Textarea(attrs={"rows": 2}),
            "rules": forms.Textarea(attrs={"rows": 3}),
        }


class ReflectionScheduleForm(ScopedModelForm):
    class Meta:
        model = ReflectionDialogue
        fields = ["scheduled_at", "place"]
        widgets = {"scheduled_at": DATETIME}


class ReflectionNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Your notes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your notes.")},
        help_text=_("What went well, what was hard, what you want to try next."),
    )


OWNER_CHOICES = [(side, SIDE_LABELS[side]) for side in SIDES]
NEW_ACTION_ROWS = 3


class ReflectionActionsForm(forms.Form):
    """Next actions of a dialogue (up to three at a time) and the follow-up of the previous
    dialogue's open actions: done, or carried over to this dialogue."""

    FOLLOW_UP_CHOICES = [
        ("", _("Not yet followed up")),
        (ReflectionAction.Status.DONE, _("Done")),
        (ReflectionAction.Status.CARRIED_OVER, _("Carry over")),
    ]

    def __init__(self, *args, open_actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.open_actions = list(open_actions)
        for action in self.open_actions:
            self.fields[f"follow_{action.pk}"] = forms.ChoiceField(
                label=action.text, choices=self.FOLLOW_UP_CHOICES, required=False
            )
        for n in range(1, NEW_ACTION_ROWS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=_("Next action %(n)s") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"owner_{n}"] = forms.ChoiceField(
                label=_("Who"), choices=OWNER_CHOICES, initial="student", required=False
            )

    def follow_up_fields(self):
        return [self[f"follow_{action.pk}"] for action in self.open_actions]

    def action_rows(self):
        return [(self[f"action_{n}"], self[f"owner_{n}"]) for n in range(1, NEW_ACTION_ROWS + 1)]

    def service_values(self):
        data = self.cleaned_data
        return {
            "follow_up": {a.pk: data[f"follow_{a.pk}"] for a in self.open_actions if data.get(f"follow_{a.pk}")},
            "new_actions": [
                (data[f"action_{n}"], data.get(f"owner_{n}") or "student")
                for n in range(1, NEW_ACTION_ROWS + 1)
                if data.get(f"action_{n}", "").strip()
            ],
        }
