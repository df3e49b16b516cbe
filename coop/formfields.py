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
