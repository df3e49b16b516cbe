"""Isolation is the first property: every tenant-owned model is scoped and has a non-null tenant."""

import pytest
from django.apps import apps
from django.db import models
from django_scopes import ScopeError, scope, scopes_disabled

from coop.models import Membership, Role, Tenant, TenantOwned

from ..factories import MembershipFactory, member


def tenant_owned_models():
    return [m for m in apps.get_models() if issubclass(m, TenantOwned)]


# Rows above the tenants that name a tenant without belonging to it, and why.
ABOVE_TENANTS = {
    # consortium.models: the consortium decides who its members are; the row carries the
    # institution and the day it joined, nothing of the institution's own data.
    "ConsortiumMember": "a consortium's member institution",
}


def test_every_model_with_a_tenant_column_is_tenant_owned():
    for model in apps.get_models():
        tenant_fks = [
            f for f in model._meta.get_fields() if isinstance(f, models.ForeignKey) and f.related_model is Tenant
        ]
        if tenant_fks and model.__name__ not in ABOVE_TENANTS:
            assert issubclass(model, TenantOwned), f"{model.__name__} points at Tenant but is not TenantOwned"


@pytest.mark.parametrize("model", tenant_owned_models(), ids=lambda m: m.__name__)
def test_tenant_owned_model_shape(model):
    field = model._meta.get_field("tenant")
    assert field.null is False
    assert field.related_model is Tenant
    # django-scopes builds a new manager class per call; its mark is `with_scopes_disabled`.
    assert hasattr(model._default_manager, "with_scopes_disabled"), f"{model.__name__} has no scoped manager"
    for index in model._meta.indexes:
        assert index.fields[0] == "tenant", f"{model.__name__}.{index.name}: tenant must come first"
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if len(fields) > 1:
            assert fields[0] == "tenant", f"{model.__name__}.{constraint.name}: tenant must come first"


@pytest.mark.django_db
@pytest.mark.parametrize("model", tenant_owned_models(), ids=lambda m: m.__name__)
def test_query_without_scope_raises(model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


@pytest.mark.django_db
def test_scope_shows_only_its_tenant(tenant, other_tenant):
    mine = member(tenant, Role.STUDENT)
    theirs = member(other_tenant, Role.STUDENT)
    with scope(tenant=tenant):
        users = set(Membership.objects.values_list("user_id", flat=True))
    assert users == {mine.pk}
    with scope(tenant=other_tenant):
        assert set(Membership.objects.values_list("user_id", flat=True)) == {theirs.pk}


@pytest.mark.django_db
def test_a_user_may_belong_to_several_tenants_with_different_roles(tenant, other_tenant):
    person = member(tenant, Role.STAFF)
    MembershipFactory(tenant=other_tenant, user=person, role=Role.FACULTY)
    with scopes_disabled():
        roles = dict(Membership.objects.filter(user=person).values_list("tenant__slug", "role"))
    assert roles == {tenant.slug: Role.STAFF, other_tenant.slug: Role.FACULTY}


@pytest.mark.django_db
def test_one_membership_per_user_and_tenant(tenant):
    person = member(tenant, Role.STAFF)
    from django.db import IntegrityError, transaction

    # SQLite names the columns, PostgreSQL the constraint: either way it is this unique rule.
    refused = r"coop_membership\.tenant_id, coop_membership\.user_id|membership_one_per_tenant"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        MembershipFactory(tenant=tenant, user=person, role=Role.STUDENT)
