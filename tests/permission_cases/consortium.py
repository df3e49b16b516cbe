"""A member institution's consortium pages (/t/<slug>/consortium/...) in the permission matrix:
its adoption of the common program, its good-practice write-ups and its links to shared
partners. The consortium's own pages (/c/<slug>/...) are outside any tenant: their matrix is
tests/consortium/test_access.py."""

import itertools

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from consortium import services
from consortium.models import PartnerLink, PracticeCase, SharedPartner
from coop.access import ADMINS, MANAGERS
from coop.models import Role

from ..consortium.helpers import publish_version
from ..factories import PartnerFactory, UserFactory
from ..files import PDF
from . import Case

_numbers = itertools.count(1)


def _consortium(tenant, members, *, adopt=False):
    n = next(_numbers)
    consortium = services.consortium_create(name=f"コンソーシアム {n}", slug=f"consortium-case-{n}")
    coordinator = UserFactory()
    services.consortium_coordinator_add(consortium=consortium, user=coordinator)
    publish_version(consortium, coordinator)
    services.consortium_member_add(consortium=consortium, tenant=tenant, joined_on=consortium.created_at.date())
    if adopt:
        with scopes_disabled():
            services.common_program_adopt(consortium=consortium, tenant=tenant, by=members[Role.ADMIN])
        publish_version(consortium, coordinator, changes="v2")
    return consortium


def _member_of(tenant, members):
    return {"pk": _consortium(tenant, members).pk}


def _adopted(tenant, members):
    return {"pk": _consortium(tenant, members, adopt=True).pk}


def _case(tenant, members):
    consortium = _consortium(tenant, members)
    with scopes_disabled():
        case = PracticeCase(tenant=tenant, consortium=consortium, title="事例", practice="…")
        case.file.save("case.pdf", ContentFile(PDF), save=False)
        case.save()
    return {"pk": case.pk}


def _link(tenant, members):
    consortium = _consortium(tenant, members)
    shared = SharedPartner.objects.create(
        consortium=consortium, name="北陸精機", corporate_number=f"{next(_numbers):013d}"
    )
    with scopes_disabled():
        link = PartnerLink.objects.create(tenant=tenant, partner=PartnerFactory(tenant=tenant), shared_partner=shared)
    return {"pk": link.pk}


TENANT_URLS = {
    "consortium_member:home": Case("GET", MANAGERS, names_object=False),
    "consortium_member:adopt": Case("POST", ADMINS, _member_of),
    "consortium_member:update_accept": Case("POST", ADMINS, _adopted),
    "consortium_member:practice_list": Case("GET", MANAGERS, names_object=False),
    "consortium_member:practice_create": Case("GET", MANAGERS, _member_of),
    "consortium_member:practice_edit": Case("GET", MANAGERS, _case),
    "consortium_member:practice_state": Case("POST", MANAGERS, _case, {"to": "shared"}),
    "consortium_member:practice_file": Case("GET", MANAGERS, _case),
    "consortium_member:partner_links": Case("GET", MANAGERS, names_object=False),
    "consortium_member:partner_unlink": Case("POST", MANAGERS, _link),
}
