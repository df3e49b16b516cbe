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


# --- placements --------------------------------------------------------------------------
import datetime  # noqa: E402

from placements.models import (  # noqa: E402
    Agreement,
    Application,
    Partner,
    PartnerContact,
    Placement,
    PractitionerFaculty,
    Program,
    Term,
    Theme,
)


class PartnerFactory(ScopedFactory):
    class Meta:
        model = Partner

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    kind = Partner.Kind.COMPANY


class PartnerContactFactory(ScopedFactory):
    class Meta:
        model = PartnerContact

    tenant = factory.SelfAttribute("partner.tenant")
    partner = factory.SubFactory(PartnerFactory)
    full_name = factory.Faker("name", locale="ja_JP")
    email = factory.Sequence(lambda n: f"contact{n}@partner.example.jp")


class PractitionerFacultyFactory(ScopedFactory):
    class Meta:
        model = PractitionerFaculty

    tenant = factory.SelfAttribute("contact.tenant")
    contact = factory.SubFactory(PartnerContactFactory)
    title = "実務家教員"
    managerial_years = 8
    appointed_from = datetime.date(2026, 4, 1)


class ProgramFactory(ScopedFactory):
    class Meta:
        model = Program

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"コーオプ教育プログラム {n}")
    kind = Program.Kind.COOP
    min_months = 4
    max_months = 12


class TermFactory(ScopedFactory):
    class Meta:
        model = Term

    tenant = factory.SelfAttribute("program.tenant")
    program = factory.SubFactory(ProgramFactory)
    name = "2026年度"
    academic_year = 2026
    starts_on = datetime.date(2026, 4, 1)
    ends_on = datetime.date(2027, 3, 31)


class ThemeFactory(ScopedFactory):
    class Meta:
        model = Theme

    tenant = factory.SubFactory(TenantFactory)
    program = factory.SubFactory(ProgramFactory, tenant=factory.SelfAttribute("..tenant"))
    partner = factory.SubFactory(PartnerFactory, tenant=factory.SelfAttribute("..tenant"))
    title = factory.Sequence(lambda n: f"データサイエンスによる業務改善 {n}")
    description = "製造現場のデータを分析し、改善案を提案する。"
    track = Theme.Track.PROJECT_THEME
    state = Theme.State.OPEN
    duration_months = 6


class ApplicationFactory(ScopedFactory):
    class Meta:
        model = Application

    tenant = factory.SelfAttribute("theme.tenant")
    theme = factory.SubFactory(ThemeFactory)
    student = factory.SubFactory(UserFactory)
    motivation = "現場でデータ分析を学びたい。"


class AgreementFactory(ScopedFactory):
    class Meta:
        model = Agreement

    tenant = factory.SelfAttribute("partner.tenant")
    partner = factory.SubFactory(PartnerFactory)
    kind = Agreement.Kind.AGREEMENT
    title = "コーオプ教育協定書"


class PlacementFactory(ScopedFactory):
    class Meta:
        model = Placement

    tenant = factory.SelfAttribute("theme.tenant")
    theme = factory.SubFactory(ThemeFactory)
    partner = factory.SelfAttribute("theme.partner")
    student = factory.SubFactory(UserFactory)
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 2, 28)


def partner_person(partner, **user_fields):
    """A user with the partner role in the partner's tenant, linked to the partner as a contact."""
    user = member(partner.tenant, Role.PARTNER, **user_fields)
    PartnerContactFactory(partner=partner, user=user, full_name=user.full_name, email=user.email)
    return user


def students_bulk(tenant, n, *, prefix="bulk"):
    """`n` students of `tenant` in three queries (lists' paging and query-count tests):
    名前 {prefix} 0001..., with kana and a student number on their membership."""
    users = User.objects.bulk_create(
        User(email=f"{prefix}{i:04}@{tenant.slug}.example.jp", full_name=f"学生 {prefix}{i:04}") for i in range(n)
    )
    with scopes_disabled():
        Membership.objects.bulk_create(
            Membership(
                tenant=tenant,
                user=user,
                role=Role.STUDENT,
                name_kana=f"ガクセイ {user.email.split('@')[0]}",
                student_number=f"S{user.email.split('@')[0]}",
            )
            for user in users
        )
    return sorted(users, key=lambda u: u.email)


def placements_bulk(theme, n, *, prefix="bulk", **fields):
    """`n` placements on `theme`, one new student each, starting a day apart (newest last)."""
    students = students_bulk(theme.tenant, n, prefix=prefix)
    with scopes_disabled():
        Placement.objects.bulk_create(
            Placement(
                tenant=theme.tenant,
                theme=theme,
                partner=theme.partner,
                student=student,
                starts_on=datetime.date(2026, 4, 1) + datetime.timedelta(days=i),
                ends_on=datetime.date(2027, 3, 31),
                **fields,
            )
            for i, student in enumerate(students)
        )
    return students
