"""django-import-export resources for the staff imports: partners, partner contacts, students,
placements.

Each resource is built for one tenant (`Resource(tenant=..., by=...)`) and never looks outside it:
foreign keys are looked up through `TenantForeignKeyWidget`, whose queryset is filtered on the
tenant, and preloaded once per file (one query per 500 distinct values) instead of once per row.
Another tenant's partner, theme or member is simply "not found".

Rules shared by every text cell (`clean_text`): surrounding whitespace is dropped, and a value that
a spreadsheet would run as a formula (starting with = + - @, tab or CR) is a row error, except a
phone number written as +81-76-...; values are otherwise stored exactly as written, so ①, ㈱ and
～ survive.

Writes are bulk (`use_bulk`, `skip_diff`) and skipped altogether in a dry run: the preview only
validates. Row numbers in errors are spreadsheet lines (the header is line 1).
"""

from .kinds import COUNTED_TYPES, KINDS, Column, ImportKind
from .tables import ContactResource, PartnerResource, PlacementResource, StudentResource

__all__ = [
    "COUNTED_TYPES",
    "KINDS",
    "Column",
    "ContactResource",
    "ImportKind",
    "PartnerResource",
    "PlacementResource",
    "StudentResource",
]
