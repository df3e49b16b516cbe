from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from coop.models import User
from coop.uploads import ENTRY, UploadField

from ..models import Entry, Term

# The field a person never sees (moved off-screen by app.css) and a form-filling bot fills in.
HONEYPOT = "website"


class HoneypotInput(forms.TextInput):
    """A text input listed with the hidden fields (no label), off-screen for people."""

    is_hidden = True

    def __init__(self):
        super().__init__(attrs={"class": "hp-field", "tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"})


class EntryForm(forms.Form):
    """An entry from the public project index, by a visitor without an account."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send a link to this address: your entry reaches the coordinator once you open it."),
    )
    school = forms.CharField(
        label=_("School"),
        max_length=200,
        help_text=_("Choose from the list or type your school's name."),
        widget=forms.TextInput(attrs={"list": "entry-schools", "autocomplete": "organization"}),
    )
    year = forms.ChoiceField(label=_("Year"), choices=Entry.Year.choices)
    motivation = forms.CharField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why this project, and what you want to try in it."),
    )
    file = UploadField(label=_("Attachment (optional)"), rule=ENTRY, required=False)
    website = forms.CharField(label=_("Leave this field empty"), required=False, widget=HoneypotInput())

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = list(schools)
        self.fields["year"].choices = [("", _("- Select an option -")), *Entry.Year.choices]

    @property
    def is_bot(self):
        return bool(self.data.get(HONEYPOT))


class EntryConfirmForm(forms.Form):
    """Confirming an entry makes the account; a password is optional (or sign in with a code)."""

    password1 = forms.CharField(
        label=_("Password (optional)"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Without a password you sign in with a code we email to you."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), required=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, entry, **kwargs):
        self.entry = entry
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if (p1 or p2) and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=self.entry.email, full_name=self.entry.full_name))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EntrySchoolsForm(forms.Form):
    names = forms.CharField(
        label=_("Schools"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One school a line, in the order entrants see them. Entrants may also type another school."),
    )


class ThemeCopyForm(forms.Form):
    """The next round of a finished project: a new draft with the lessons learned attached."""

    title = forms.CharField(label=_("Title"), max_length=200)
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    lessons = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What this round taught: what worked, what to change, for the partner and the next student."),
    )

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(tenant=theme.tenant, program=theme.program_id)
