"""Builders for the consortium tests: a consortium with its common program published, members
that adopt it, and placements of the adopted program with career outcomes and pre/post
self-assessments on the adopted rubric."""

import datetime
from decimal import Decimal

from django_scopes import scope, scopes_disabled

from consortium import services
from consortium.models import Stage
from coop import rls
from coop.models import Role
from placements.models import CareerOutcome, Placement
from rubrics.models import Assessment, AssessmentWindow, Phase, Rater

from ..factories import PlacementFactory, TenantFactory, ThemeFactory, UserFactory, member

YEAR = 2026  # the academic year the tests count: 1 April 2026 to 31 March 2027


def make_consortium(*, slug="hokuriku-career", coordinator=None, publish=True):
    consortium = services.consortium_create(name="北陸留学生コンソーシアム", slug=slug)
    coordinator = coordinator or UserFactory(email=f"coordinator@{slug}.example.jp")
    services.consortium_coordinator_add(consortium=consortium, user=coordinator)
    if publish:
        publish_version(consortium, coordinator)
    return consortium, coordinator


def publish_version(
    consortium, by, *, name="留学生キャリア形成・地域定着プログラム", template="five_abilities", **extra
):
    values = {
        "name": name,
        "description": "外国人留学生の就職と地域定着を支援する共通プログラム。",
        "phases": {Stage.BEFORE_JOB_HUNTING: "企業見学", Stage.JOB_HUNTING: "面接指導", Stage.SETTLEMENT: "定着支援"},
        "rubric": services.rubric_from_template(template),
        "templates": [{"kind": "agreement", "title": "協定書", "text": "第1条 目的"}],
        **extra,
    }
    return services.common_program_publish(consortium=consortium, by=by, **values)


def join(consortium, tenant=None, *, adopt=True, **tenant_fields):
    """A member tenant (new unless given), with an admin and a staff member; adopted unless not."""
    tenant = tenant or TenantFactory(**tenant_fields)
    services.consortium_member_add(consortium=consortium, tenant=tenant, joined_on=datetime.date(2026, 4, 1))
    admin = member(tenant, Role.ADMIN)
    staff = member(tenant, Role.STAFF)
    adoption = None
    if adopt:
        with scope(tenant=tenant), rls.tenant(tenant):
            adoption = services.common_program_adopt(consortium=consortium, tenant=tenant, by=admin)
    return tenant, admin, staff, adoption


def place(adoption, outcomes, *, starts_on=datetime.date(2026, 5, 1), pre=None, post=None):
    """One placement per item of `outcomes` (a set of CareerOutcome flags, or None for no
    outcome recorded) in the adopted program, each with its own new student; `pre`/`post`:
    self-assessment scores per placement, in order."""
    tenant = adoption.tenant
    placements = []
    with scopes_disabled():
        theme = ThemeFactory(tenant=tenant, program=adoption.program)
        windows = {
            phase: AssessmentWindow.objects.create(
                tenant=tenant,
                rubric=adoption.rubric,
                phase=phase,
                program=adoption.program,
                opens_on=starts_on,
                closes_on=starts_on + datetime.timedelta(days=60),
            )
            for phase in (Phase.PRE, Phase.POST)
        }
        for n, flags in enumerate(outcomes):
            placement = PlacementFactory(
                theme=theme,
                student=member(tenant, Role.STUDENT),
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=90),
                state=Placement.State.COMPLETED,
            )
            if flags is not None:
                CareerOutcome.objects.create(tenant=tenant, placement=placement, **dict.fromkeys(flags, True))
            for phase, scores in ((Phase.PRE, pre), (Phase.POST, post)):
                if scores:
                    Assessment.objects.create(
                        tenant=tenant,
                        window=windows[phase],
                        placement=placement,
                        rubric=adoption.rubric,
                        rater=Rater.SELF,
                        score=Decimal(str(scores[n])),
                    )
            placements.append(placement)
    return placements
