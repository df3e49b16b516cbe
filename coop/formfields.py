"""Model forms over tenant-owned models.

Django builds a ModelForm's choice fields when the class is defined, with the related model's
default manager; for a tenant-owned model that manager refuses to query outside a tenant scope.
`ScopedModelForm` starts such fields empty; each form's __init__ gives them the tenant's rows,
so a choice list can never offer another tenant's objects.
"""

from django import forms
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
    """Use instead of forms.ModelForm for every model form in a tenant app."""
