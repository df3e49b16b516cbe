"""Demo data for `make run`: two institutions with a member of every role, known passwords.

Idempotent: running it again changes nothing that is already there.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django_scopes import scope

from coop import reminders
from coop.clock import tenant_today
from coop.models import Membership, Role, Tenant, User
from coop.registry import DEMO_SEEDERS

DEMO_PASSWORD = "demo-pass-2026"

TENANTS = [
    ("hokuriku-tech", "北陸工科大学 コーオプ教育センター", Tenant.Kind.UNIVERSITY, "univ"),
    ("sapporo-meister", "札幌マイスター工業高等学校", Tenant.Kind.HIGH_SCHOOL, "school"),
    ("hokkaido-challenge", "北海道チャレンジコミュニティ（地域コーディネート団体）", Tenant.Kind.COORDINATOR, "coord"),
    # the demo university's partner in the international students' consortium (consortium.demo)
    ("kanazawa-global", "金沢グローバル大学", Tenant.Kind.UNIVERSITY, "kgu"),
]
NAMES = {
    Role.ADMIN: "管理 花子",
    Role.STAFF: "事務 太郎",
    Role.FACULTY: "指導 教員",
    Role.PARTNER: "企業 担当",
    Role.STUDENT: "学生 一郎",
}


def demo_logins():
    """(email, role, tenant slug) of every demo account, for printing."""
    rows = [
        (f"{role.value}@{suffix}.example.jp", role.value, slug)
        for slug, _name, _kind, suffix in TENANTS
        for role in Role
    ]
    rows.append(("coordinator@example.jp", "staff + faculty", "hokuriku-tech, sapporo-meister"))
    # An applicant who entered from the coordinator's public project index (placements.demo).
    rows.append(("applicant@coord.example.jp", "student (entry)", "hokkaido-challenge"))
    rows.append(("consortium@example.jp", "consortium coordinator", "/c/hokuriku-career/"))
    return rows


def ensure_user(email, full_name, *, superuser=False):
    user = User.objects.filter(email=email).first()
    if user is None:
        maker = User.objects.create_superuser if superuser else User.objects.create_user
        user = maker(email=email, password=DEMO_PASSWORD, full_name=full_name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


class Command(BaseCommand):
    help = "Creates the demo institutions and accounts (idempotent)."

    def handle(self, *args, **options):
        # The demo password is published: its accounts (a superuser among them) must never
        # reach a production database.
        if not settings.DEBUG:
            raise CommandError("seed_demo makes accounts with a published password; it runs only with DEBUG=1.")
        # Demo emails go nowhere: the seeders use the real services, which notify people.
        with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
            tenants = self.seed_people()
            for slug, _name, _kind, suffix in TENANTS:
                people = {role: User.objects.get(email=f"{role.value}@{suffix}.example.jp") for role in Role}
                # One transaction per tenant: seeding that stops half-way (an error, Ctrl-C)
                # leaves nothing behind, so the next run seeds the tenant from the start.
                # Documents are rendered in-process as they are signed (placements.demo);
                # the tasks queued on commit (emails, renders) are harmless to run again.
                with transaction.atomic(), scope(tenant=tenants[slug]):
                    for seeder in DEMO_SEEDERS:
                        seeder(tenants[slug], people)
                    self.send_reminders(tenants[slug])
        self.print_logins()

    def send_reminders(self, tenant):
        """What the deadline scan and the daily digest would have done by now."""
        reminders.reminders_scan_tenant(tenant=tenant)
        today = tenant_today(tenant)
        for user in User.objects.filter(pk__in=reminders.digest_recipients(tenant)):
            reminders.digest_send(tenant=tenant, user=user, day=today)

    @transaction.atomic
    def seed_people(self):
        tenants = {}
        for slug, name, kind, suffix in TENANTS:
            tenant, _ = Tenant.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
            tenants[slug] = tenant
            with scope(tenant=tenant):
                for role in Role:
                    user = ensure_user(f"{role.value}@{suffix}.example.jp", NAMES[role])
                    Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": role})
        coordinator = ensure_user("coordinator@example.jp", "地域 コーディネーター")
        for slug, role in [("hokuriku-tech", Role.STAFF), ("sapporo-meister", Role.FACULTY)]:
            with scope(tenant=tenants[slug]):
                Membership.objects.get_or_create(tenant=tenants[slug], user=coordinator, defaults={"role": role})
        ensure_user("operator@example.jp", "Platform operator", superuser=True)
        return tenants

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, role, where in demo_logins():
            self.stdout.write(f"  {email:32} {role!s:28} {where}")
        self.stdout.write("  operator@example.jp              platform operator (/operator/institutions/, /admin/)")
