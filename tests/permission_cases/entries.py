"""Entries from the public project index and the next round of a finished project. The entry
pages themselves are public (TENANT_PUBLIC_URLS): tests/placements/test_entries.py."""

from coop.access import MANAGERS

from . import Case
from .placements_core import theme

TENANT_URLS = {
    "placements:entry_schools": Case("GET", MANAGERS, names_object=False),
    # A theme that is not finished shows why it cannot be copied (200); copying: test_entries.py.
    "placements:theme_copy": Case("GET", MANAGERS, theme),
}
