"""An exportable table: its columns and rows (values, not model instances). The exports page,
the background export jobs and every list's "export what I see" read rows through it, and
write them through the one writer in `coop.spreadsheets`."""

import datetime
from dataclasses import dataclass

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
        paths = [path for _label, path in self.columns]
        displays = [{k: str(v) for k, v in self.choices.get(path, {}).items()} for path in paths]
        for values in queryset.values_list(*paths).iterator(chunk_size=2000):
            yield [table_cell(display.get(v, v) if display else v) for v, display in zip(values, displays, strict=True)]


def table_cell(value):
    """Datetimes in local time without a zone (spreadsheets take none); lists and dicts as text."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, (dict, list)):
        return (
            ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else ", ".join(map(str, value))
        )
    return value
