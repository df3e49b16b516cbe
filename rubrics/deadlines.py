"""Deadline provider of the rubrics app (registered in apps.ready): while a window is open and
closes within REMIND_DAYS, every rater asked whose assessment is missing gets a reminder
(the student, the faculty supervisor, the partner supervisors who have an account)."""

from collections import defaultdict
from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from coop.models import Role
from coop.reminders import Due
from placements.models import PlacementSupervisor

from .models import Assessment, AssessmentWindow, Rater
from .selectors import window_placements

REMIND_DAYS = 3


def assessments_due(tenant, settings, today):
    windows = AssessmentWindow.objects.filter(
        tenant=tenant, opens_on__lte=today, closes_on__gte=today, closes_on__lte=today + timedelta(days=REMIND_DAYS)
    ).select_related("rubric")
    for window in windows:
        placements = list(window_placements(window).values_list("pk", "student_id", "faculty_supervisor_id"))
        if not placements:
            continue
        ids = [p[0] for p in placements]
        done = set(Assessment.objects.filter(window=window, placement__in=ids).values_list("placement_id", "rater"))
        partner_people = defaultdict(set)
        if Rater.PARTNER in window.raters:
            for placement_id, user_id in PlacementSupervisor.objects.filter(
                tenant=tenant,
                placement__in=ids,
                contact__user__isnull=False,
                contact__user__memberships__tenant=tenant,
                contact__user__memberships__role=Role.PARTNER,
                contact__user__memberships__is_active=True,
            ).values_list("placement_id", "contact__user_id"):
                partner_people[placement_id].add(user_id)
        title = _("Assessment due by %(date)s: %(rubric)s") % {
            "date": f"{window.closes_on:%Y-%m-%d}",
            "rubric": window.rubric.name,
        }
        for pk, student_id, faculty_id in placements:
            raters = {
                Rater.SELF: [student_id],
                Rater.FACULTY: [faculty_id] if faculty_id else [],
                Rater.PARTNER: sorted(partner_people.get(pk, ())),
            }
            for rater in window.raters:
                if (pk, rater) in done:
                    continue
                url = reverse(
                    "rubrics:assessment_fill",
                    kwargs={"tenant_slug": tenant.slug, "pk": window.pk, "placement_pk": pk, "rater": rater},
                )
                for user_id in raters[rater]:
                    yield Due(
                        key=f"assessment:{window.pk}:{pk}:{rater}:{user_id}",
                        user_id=user_id,
                        title=title,
                        url=url,
                        due_on=window.closes_on,
                    )
