"""Builders for the rubrics tests (and the permission cases): a rubric, a window over a
program, a placement whose student, faculty supervisor and partner supervisor are given."""

import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from coop.models import Role
from placements.models import Placement, PlacementSupervisor
from rubrics import services
from rubrics.models import Rater

from ..factories import PartnerContactFactory, PlacementFactory, ProgramFactory, TermFactory, ThemeFactory, member

LEVELS = [{"value": v, "label": f"L{v}"} for v in (1, 2, 3, 4)]


def simple_criteria():
    return [
        {"key": "a", "name": "異文化受容性", "weight": 1, "descriptors": {"1": "知っている", "4": "協働できる"}},
        {"key": "b", "name": "実践力", "weight": 1},
    ]


def make_rubric(tenant, *, by=None, criteria=None, levels=LEVELS, kind="rubric", name="能力ルーブリック"):
    with scope(tenant=tenant):
        return services.rubric_create(
            tenant=tenant, by=by, name=name, kind=kind, levels=levels, criteria=criteria or simple_criteria()
        )


def make_placement(tenant, *, program=None, term=None, student=None, faculty=None, partner_user=None, **fields):
    """A placement of `program` (a new one by default) with the given people."""
    with scopes_disabled():
        program = program or ProgramFactory(tenant=tenant)
        theme = ThemeFactory(tenant=tenant, program=program, term=term)
        fields.setdefault("state", Placement.State.ACTIVE)
        placement = PlacementFactory(
            theme=theme, student=student or member(tenant, Role.STUDENT), faculty_supervisor=faculty, **fields
        )
        if partner_user is not None:
            contact = PartnerContactFactory(
                partner=placement.partner, user=partner_user, full_name=str(partner_user), email=partner_user.email
            )
            PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=contact)
    return placement


def make_window(
    tenant, rubric, *, program=None, placement=None, phase="pre", opens=-5, closes=10, raters=None, term=None
):
    today = timezone.localdate()
    with scope(tenant=tenant):
        return services.window_create(
            tenant=tenant,
            by=None,
            rubric=rubric,
            phase=phase,
            program=program,
            term=term,
            placement=placement,
            opens_on=today + datetime.timedelta(days=opens),
            closes_on=today + datetime.timedelta(days=closes),
            raters=raters or Rater.values,
        )


def rate(window, placement, rater, values, *, by=None, today=None):
    """Submits {key: level} for a rater (inside the window's dates unless `today` is given)."""
    with scope(tenant=window.tenant):
        return services.assessment_submit(
            window=window,
            placement=placement,
            rater=rater,
            raw={k: str(v) for k, v in values.items()},
            by=by,
            today=today or window.opens_on,
        )


def shared_setup(tenant, members):
    """A rubric, a placement of the tenant's members, an open pre window over its program."""
    rubric = make_rubric(tenant)
    placement = make_placement(
        tenant,
        student=members.get(Role.STUDENT) or member(tenant, Role.STUDENT),
        faculty=members.get(Role.FACULTY),
        partner_user=members.get(Role.PARTNER) or member(tenant, Role.PARTNER),
    )
    with scopes_disabled():
        program = placement.theme.program
    window = make_window(tenant, rubric, program=program)
    return rubric, placement, window


__all__ = ["TermFactory", "make_placement", "make_rubric", "make_window", "rate", "shared_setup"]
