"""Rubrics, assessment windows, assessments, rater links (staff side) and growth in the
permission matrix. The public link page (rubrics:rater_link) is in TENANT_PUBLIC_URLS and
tested in tests/rubrics/test_links.py.

The shared placement's student, faculty supervisor and partner supervisor are the tenant's
members of those roles, so each can reach their own side of it."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from coop.access import EVERY_ROLE, MANAGERS
from coop.models import Role
from coop.tokens import hash_token
from rubrics.models import RaterLink

from ..rubrics.helpers import make_rubric, shared_setup
from . import Case

GROWTH_VIEWERS = MANAGERS | {Role.FACULTY}


def _rubric(tenant):
    return {"pk": make_rubric(tenant).pk}


def _window(tenant, members):
    _rubric_, _placement, window = shared_setup(tenant, members)
    return {"pk": window.pk}


def _fill(rater):
    def build(tenant, members):
        _rubric_, placement, window = shared_setup(tenant, members)
        return {"pk": window.pk, "placement_pk": placement.pk, "rater": rater}

    return build


def _link_send(tenant, members):
    _rubric_, placement, window = shared_setup(tenant, members)
    return {"pk": window.pk, "placement_pk": placement.pk}


def _waiting_link(tenant, members):
    _rubric_, placement, window = shared_setup(tenant, members)
    with scopes_disabled():
        contact = placement.supervisors.select_related("contact").first().contact
        link = RaterLink.objects.create(
            tenant=tenant,
            window=window,
            placement=placement,
            contact=contact,
            email=contact.email or "boss@partner.example.jp",
            token_hash=hash_token(f"rubric-case-{tenant.slug}-{placement.pk}"),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    return {"pk": link.pk}


def _placement(tenant, members):
    _rubric_, placement, _window_ = shared_setup(tenant, members)
    return {"pk": placement.pk}


TENANT_URLS = {
    "rubrics:rubric_list": Case("GET", MANAGERS),
    "rubrics:rubric_create": Case("POST", MANAGERS, data={"template": "five_abilities"}),
    "rubrics:rubric_detail": Case("GET", MANAGERS, _rubric),
    "rubrics:rubric_edit": Case("GET", MANAGERS, _rubric),
    "rubrics:window_list": Case("GET", MANAGERS),
    "rubrics:window_create": Case("GET", MANAGERS),
    "rubrics:window_detail": Case("GET", MANAGERS, _window),
    # An empty POST is refused with a message (nothing sent) and redirects back.
    "rubrics:link_send": Case("POST", MANAGERS, _link_send),
    "rubrics:link_revoke": Case("POST", MANAGERS, _waiting_link),
    "rubrics:links_send_all": Case("POST", MANAGERS, _window),
    "rubrics:window_dates": Case("POST", MANAGERS, _window, {"opens_on": "2026-04-01", "closes_on": "2026-04-30"}),
    "rubrics:assessment_fill": Case("GET", MANAGERS | {Role.FACULTY}, _fill("faculty")),
    "rubrics:my_assessments": Case("GET", EVERY_ROLE),
    "rubrics:placement_growth": Case("GET", EVERY_ROLE, _placement),
    "rubrics:cohort_growth": Case("GET", GROWTH_VIEWERS),
}
