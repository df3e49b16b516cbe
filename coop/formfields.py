"""Model forms over tenant-owned models.

Django builds a ModelForm's choice fields when the class is defined, with the related model's
default manager; for a tenant-owned model that manager refuses to query outside a tenant scope.
`ScopedModelForm` starts such fields empty; each form's __init__ gives them the tenant's rows,
so a choice list can never offer another tenant's objects.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_noop

from .models import TenantOwned

# Django 6.1's Japanese catalogue lacks its new blank-choice label; naming it here puts it in
# ours (LOCALE_PATHS come first), so select boxes do not show English in a Japanese page.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")


def scoped_formfield(db_field, **kwargs):
    related = getattr(db_field, "related_model", None)
    if related is not None and isinstance(related, type) and issubclass(related, TenantOwned):
        kwargs["queryset"] = related._base_manager.none()
    return db_field.formfield(**kwargs)


class _ServedFile:
    """A stored file as the file input shows it: its name, and the portal's own download URL."""

    def __init__(self, file, url):
        self.name, self.url = file.name, url

    def __str__(self):
        return self.name.rsplit("/", 1)[-1]


class ServedFileInput(forms.ClearableFileInput):
    """A file input that shows the current file through the portal's download view (after its
    access check, coop.downloads), never through its media URL, which is not served. Without
    `download_url` it shows no current file at all rather than a link that answers 404."""

    download_url = ""

    def format_value(self, value):
        if value and getattr(value, "name", None):
            return _ServedFile(value, self.download_url)
        return super().format_value(value)

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None) and self.download_url)


class _ScopedModelFormMetaclass(forms.models.ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(scoped_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ScopedModelForm(forms.ModelForm, metaclass=_ScopedModelFormMetaclass):
    """Use instead of forms.ModelForm for every model form in a tenant app.

    A model's clean() may name a field that the form fills another way (e.g. `weekdays` from
    the `weekday_choices` boxes) or does not show at all; so may a service's ValidationError.
    Django would raise ValueError (a 500) for such an error; here it goes to the field named in
    `model_field_errors_to`, or above the form, so the person sees it and nothing is saved.
    """

    model_field_errors_to = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.ClearableFileInput:
                field.widget = ServedFileInput(attrs=field.widget.attrs)

    def add_error(self, field, error):
        # Model clean() and the services raise {field: messages}; a field this form lacks
        # would make Django raise ValueError, so its messages move to the form's own field.
        if field is None and hasattr(error, "error_dict"):
            moved = {}
            for name, messages in error.error_dict.items():
                target = self.model_field_errors_to.get(name, name)
                if target != NON_FIELD_ERRORS and target not in self.fields:
                    target = NON_FIELD_ERRORS
                moved.setdefault(target, []).extend(messages)
            error = ValidationError(moved)
        super().add_error(field, error)
