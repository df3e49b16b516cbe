"""Demo data for `make run`: the five-abilities rubric in the university, the self-efficacy and
grit questionnaires in the high school, each with a closed pre window and an open post window
closing in two days (so reminders are due), and pre and post assessments by the student, the
partner supervisor and the faculty supervisor, made through the real services.

Idempotent: a tenant that already has rubrics is left alone.
"""

import datetime

from coop.clock import tenant_today
from coop.models import Role, Tenant
from placements.models import Program

from .models import Phase, Rater, Rubric
from .selectors import window_placements
from .services import assessment_submit, rubric_create_from_template, window_create

TEMPLATES_BY_KIND = {Tenant.Kind.HIGH_SCHOOL: ("self_efficacy", "grit")}
DEFAULT_TEMPLATES = ("five_abilities",)
# How a rater's points differ from the student's own, per criterion position (deterministic).
RATER_SHIFT = {Rater.SELF: 0, Rater.PARTNER: -1, Rater.FACULTY: 0}


def _points(rubric, n, k, phase, rater):
    low, high = rubric.scale_min, rubric.scale_max
    base = low + (n + k) % 2 + (1 if high >= 5 else 0)
    if phase == Phase.POST:
        base += 1 + (n + k * 2) % 2
    base += RATER_SHIFT[rater] * ((k + n) % 2)
    return max(low, min(high, base))


def _raw(rubric, n, phase, rater):
    raw = {}
    for k, criterion in enumerate(rubric.criteria):
        points = _points(rubric, n, k, phase, rater)
        value = rubric.scale_min + rubric.scale_max - points if criterion.get("reverse") else points
        raw[criterion["key"]] = str(value)
    return raw


def _rater_user(placement, rater, staff):
    if rater == Rater.SELF:
        return placement.student, ""
    if rater == Rater.FACULTY:
        return placement.faculty_supervisor or staff, ""
    supervisor = placement.supervisors.select_related("contact__user").first()
    if supervisor is not None and supervisor.contact.user_id:
        return supervisor.contact.user, ""
    return staff, supervisor.contact.full_name if supervisor else ""


def seed(tenant, people):
    if Rubric.objects.filter(tenant=tenant).exists():
        return
    program = Program.objects.filter(tenant=tenant).order_by("pk").first()
    if program is None:
        return
    staff = people[Role.STAFF]
    today = tenant_today(tenant)
    for template in TEMPLATES_BY_KIND.get(tenant.kind, DEFAULT_TEMPLATES):
        rubric = rubric_create_from_template(tenant=tenant, template=template, by=staff)
        windows = {
            Phase.PRE: window_create(
                tenant=tenant,
                by=staff,
                rubric=rubric,
                phase=Phase.PRE,
                program=program,
                opens_on=today - datetime.timedelta(days=60),
                closes_on=today - datetime.timedelta(days=45),
                raters=Rater.values,
            ),
            Phase.POST: window_create(
                tenant=tenant,
                by=staff,
                rubric=rubric,
                phase=Phase.POST,
                program=program,
                opens_on=today - datetime.timedelta(days=5),
                closes_on=today + datetime.timedelta(days=2),
                raters=Rater.values,
            ),
        }
        placements = list(
            window_placements(windows[Phase.PRE]).select_related("student", "faculty_supervisor").order_by("pk")
        )
        for n, placement in enumerate(placements):
            for phase, window in windows.items():
                for rater in window.raters:
                    # The last placement's partner has not rated yet: a reminder and a link to send.
                    if phase == Phase.POST and rater == Rater.PARTNER and n == len(placements) - 1 and n > 0:
                        continue
                    user, name = _rater_user(placement, rater, staff)
                    assessment_submit(
                        window=window,
                        placement=placement,
                        rater=rater,
                        raw=_raw(rubric, n, phase, rater),
                        by=user,
                        name=name,
                        comment="",
                        today=window.opens_on,
                    )
