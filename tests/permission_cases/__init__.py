"""URL cases for the permission matrix (tests/test_permissions.py), one module per area.

Each module defines TENANT_URLS: {url name: Case}. A Case's `objects(tenant)` builds the
objects the URL names in `tenant` (with scopes disabled) and returns the URL kwargs; it may
also take the `members` dict ({role: user}) as a second argument, to build objects that
belong to those people (a student's own application, a partner person's partner).
"""

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field


@dataclass
class Case:
    method: str
    allowed: frozenset
    objects: callable = None
    data: dict = field(default_factory=dict)
    # Status for an allowed role; default 200 for GET, 302 for POST.
    success: int = None
    # Per-role exceptions to "allowed -> success, other roles -> 403", e.g. {Role.STUDENT: 404}
    # where a role may not even learn that the object exists.
    outcomes: dict = field(default_factory=dict)
    # False when the URL arguments name no tenant object (e.g. a table to export), so there is
    # no other tenant's object to try.
    names_object: bool = True

    def build(self, tenant, members):
        if self.objects is None:
            return {}
        if len(inspect.signature(self.objects).parameters) == 2:
            return self.objects(tenant, members)
        return self.objects(tenant)

    def expected(self, role):
        if role in self.outcomes:
            return self.outcomes[role]
        if role in self.allowed:
            return self.success or (302 if self.method == "POST" else 200)
        return 403


def all_tenant_cases():
    cases = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, case in getattr(module, "TENANT_URLS", {}).items():
            assert name not in cases, f"{name} is classified twice"
            cases[name] = case
    return cases
