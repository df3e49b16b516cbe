"""Factories of the reports app, on top of tests/factories.py."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from placements.models import Placement, PlacementSupervisor
from reports.models import DailyReport, FinalPresentation, MonthlyReport

from ..factories import PartnerContactFactory, PlacementFactory, ScopedFactory, ThemeFactory


def running_placement(tenant, *, student=None, faculty=None, partner_user=None, **fields):
    """An active placement of `tenant`; `partner_user` (a partner person) becomes its partner
    supervisor, as a contact of the placement's partner."""
    today = timezone.localdate()
    fields.setdefault("starts_on", today - datetime.timedelta(days=40))
    fields.setdefault("ends_on", today + datetime.timedelta(days=100))
    fields.setdefault("state", Placement.State.ACTIVE)
    if student is not None:
        fields["student"] = student
    with scopes_disabled():
        placement = PlacementFactory(theme=ThemeFactory(tenant=tenant), faculty_supervisor=faculty, **fields)
        if partner_user is not None:
            contact = PartnerContactFactory(partner=placement.partner, user=partner_user, full_name=str(partner_user))
            PlacementSupervisor.objects.create(tenant=tenant, placement=placement, contact=contact)
    return placement


class DailyReportFactory(ScopedFactory):
    class Meta:
        model = DailyReport

    tenant = factory.SelfAttribute("placement.tenant")
    placement = factory.SubFactory(PlacementFactory)
    date = factory.LazyFunction(timezone.localdate)
    hours = Decimal("8")
    done = "データの前処理をした。"
    state = DailyReport.State.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class MonthlyReportFactory(ScopedFactory):
    class Meta:
        model = MonthlyReport

    tenant = factory.SelfAttribute("placement.tenant")
    placement = factory.SubFactory(PlacementFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    summary = "今月はデータの前処理に取り組んだ。"
    state = MonthlyReport.State.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class FinalPresentationFactory(ScopedFactory):
    class Meta:
        model = FinalPresentation

    title = factory.Sequence(lambda n: f"最終報告会 {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    place = "大会議室"
