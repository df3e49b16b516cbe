"""Days on which no daily report is expected although the weekly schedule says work: Japanese
national holidays (from the maintained `jpholiday` package, when the tenant keeps them off),
the tenant's closures and a placement's suspensions (ClosurePeriod rows).

One home for the rule: the calendar, the monthly roll-up, compliance, the missing-report
reminders and the term summary all ask a DaysOff loaded once for the dates they cover."""

import functools

import jpholiday
from django.db.models import Q

from ..models import ClosurePeriod, ReportSettings


@functools.lru_cache(maxsize=32)
def _holidays_of_year(year):
    return dict(jpholiday.year_holidays(year))


def national_holiday(day):
    """The holiday's name (Japanese, as the law names it), or None."""
    return _holidays_of_year(day.year).get(day)


class DaysOff:
    """Answers "why is this day off for this placement?" from rows loaded in two queries."""

    def __init__(self, *, holidays_off=True, periods=()):
        self.holidays_off = holidays_off
        # (placement_id or None for the whole tenant, first day, last day, reason)
        self.periods = list(periods)

    @classmethod
    def load(cls, tenant_id, first, last, placement_ids=None):
        """The tenant's rule and the periods overlapping first..last, for the given placements
        (None: every placement of the tenant)."""
        holidays_off = (
            ReportSettings.objects.filter(tenant_id=tenant_id).values_list("national_holidays_off", flat=True).first()
        )
        periods = ClosurePeriod.objects.filter(tenant_id=tenant_id, starts_on__lte=last, ends_on__gte=first)
        if placement_ids is not None:
            periods = periods.filter(Q(placement__isnull=True) | Q(placement_id__in=placement_ids))
        return cls(
            holidays_off=True if holidays_off is None else holidays_off,
            periods=periods.values_list("placement_id", "starts_on", "ends_on", "reason"),
        )

    @property
    def placements_with_periods(self):
        """The placements with suspensions of their own (the rest share the tenant's days off)."""
        return {owner for owner, _first, _last, _reason in self.periods if owner is not None}

    def reason(self, placement_id, day):
        """Why `day` is off for the placement (holiday name or closure reason), or None."""
        for owner, first, last, reason in self.periods:
            if first <= day <= last and owner in (None, placement_id):
                return reason
        if self.holidays_off:
            return national_holiday(day)
        return None

    def is_off(self, placement_id, day):
        return self.reason(placement_id, day) is not None


def closures_of_tenant(tenant, today):
    """The tenant's own closures (not a placement's), from a year back on."""
    return ClosurePeriod.objects.filter(
        tenant=tenant, placement__isnull=True, ends_on__gte=today.replace(year=today.year - 1, day=1)
    ).order_by("starts_on", "id")


def closures_of_placement(placement):
    return ClosurePeriod.objects.filter(placement=placement).order_by("starts_on", "id")
