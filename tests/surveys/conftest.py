import pytest
from django_scopes import scope


@pytest.fixture
def in_tenant(tenant):
    """Service-level tests run inside the tenant scope, as the request or the task would."""
    with scope(tenant=tenant):
        yield tenant
