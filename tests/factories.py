"""Factories build real rows with the tenant scope lifted: fixtures are set-up, not requests."""

import factory
from allauth.account.models import EmailAddress
from django_scopes import scopes_disabled

from coop.models import Membership, Role, Tenant, User

PASSWORD = "correct-horse-battery-staple"


class ScopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    full_name = factory.Faker("name", locale="ja_JP")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"テスト大学 {n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")
    kind = Tenant.Kind.UNIVERSITY


class MembershipFactory(ScopedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.STUDENT


def member(tenant, role, **user_fields):
    """A user with `role` in `tenant`."""
    return MembershipFactory(tenant=tenant, role=role, user=UserFactory(**user_fields)).user
