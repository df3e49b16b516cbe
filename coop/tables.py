"""An exportable table: its columns and rows (values, not model instances). The exports page,
the background export jobs and every list's "export what I see" read rows through it, and
write them through the one writer in `coop.spreadsheets`."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone


@dataclass(frozen=True)
class Table:
    code: str
    label: object
    columns: tuple  # (header, value path) pairs
    model: type
    choices: dict  # value path -> {code: label} shown instead of the code

    def header(self):
        return [str(label) for label, _path in self.columns]

    def rows(self, queryset):
        """The rows as lists of values, converted only in the columns that need it (choice
        labels, local datetimes, JSON lists): a per-cell check cost more than reading the rows."""
        paths = [path for _label, path in self.columns]
        converters = [
            (i, converter)
            for i, path in enumerate(paths)
            if (converter := _converter(queryset.model, path, self.choices.get(path))) is not None
        ]
        for values in queryset.values_list(*paths).iterator(chunk_size=2000):
            values = list(values)
            for i, converter in converters:
                values[i] = converter(values[i])
            yield values


def _field(model, path):
    field = None
    for name in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field


def _converter(model, path, choices):
    if choices:
        labels = {k: str(v) for k, v in choices.items()}
        return lambda value: labels.get(value, value)
    field = _field(model, path)
    if field is not None and not isinstance(field, (models.DateTimeField, models.JSONField)):
        return None  # strings, numbers and dates go to the writer as they are
    return table_cell


def table_cell(value):
    """Datetimes in local time without a zone (spreadsheets take none); lists and dicts as text."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, (dict, list)):
        return (
            ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else ", ".join(map(str, value))
        )
    return value
