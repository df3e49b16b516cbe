"""Deadline provider of the surveys app (registered in apps.ready): while a round is open and
closes within REMIND_DAYS, the students and the partner people with an account who have not
answered get a reminder (partner people without one have their emailed link; the office sees
its open rounds on the dashboard)."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from coop.models import Membership, Role
from coop.reminders import Due

from .models import Audience, SurveyResponse

REMIND_DAYS = 3


def surveys_due(tenant, settings, today):
    partner_member = Membership.objects.filter(
        tenant=tenant, user=OuterRef("contact__user"), role=Role.PARTNER, is_active=True
    )
    owed = (
        SurveyResponse.objects.filter(
            tenant=tenant,
            submitted_at__isnull=True,
            audience__in=(Audience.STUDENT, Audience.PARTNER),
            round__opens_on__lte=today,
            round__closes_on__gte=today,
            round__closes_on__lte=today + timedelta(days=REMIND_DAYS),
        )
        .annotate(partner_member=Exists(partner_member))
        .values_list(
            "pk",
            "audience",
            "placement__student_id",
            "contact__user_id",
            "partner_member",
            "round__closes_on",
            "round__form__name",
        )
        .order_by("pk")
    )
    for pk, audience, student_id, contact_user_id, partner_member, closes_on, name in owed:
        user_id = student_id if audience == Audience.STUDENT else (contact_user_id if partner_member else None)
        if user_id is None:
            continue
        yield Due(
            key=f"survey:{pk}:{user_id}",
            user_id=user_id,
            title=_("Survey to answer by %(date)s: %(survey)s") % {"date": f"{closes_on:%Y-%m-%d}", "survey": name},
            url=reverse("surveys:response_fill", kwargs={"tenant_slug": tenant.slug, "pk": pk}),
            due_on=closes_on,
        )
