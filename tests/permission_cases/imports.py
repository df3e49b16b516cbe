"""Import pages: staff and admins only (tests/placements/test_imports.py covers the flow)."""

from coop.access import MANAGERS

from . import Case

TENANT_URLS = {
    "placements:import_start": Case("GET", MANAGERS),
    # Without a token the preview sends the person back to the upload page.
    "placements:import_preview": Case("GET", MANAGERS, success=302),
    # Without a token the confirmation changes nothing and sends the person back to the upload page.
    "placements:import_confirm": Case("POST", MANAGERS),
    "placements:import_template": Case("GET", MANAGERS),
}
