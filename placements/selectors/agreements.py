"""Reads of agreements, their versions and signatures. Visibility comes from `visibility`;
every function relies on the active tenant scope."""

from django.db.models import Max, Prefetch
from django.utils.translation import gettext_lazy as _

from ..models import Agreement, AgreementVersion, Signature
from . import visibility

PARTY_LABELS = {"institution": _("Institution"), "partner": _("Partner"), "student": _("Student")}


def agreement_list_rows(queryset):
    """A page of the agreements list with what its rows show."""
    return queryset.select_related("partner", "theme", "application__student").annotate(
        latest_version=Max("versions__number")
    )


def agreement_versions_for_user(user, role):
    """Versions of the agreements `user` may see (a subquery, not a list of ids)."""
    return AgreementVersion.objects.filter(agreement__in=visibility.agreements_for_user(user, role))


def signatures_for_user(user, role):
    return Signature.objects.filter(version__agreement__in=visibility.agreements_for_user(user, role))


def versions_for_agreement(agreement):
    """All versions, newest first, each with its signatures and the people behind them."""
    return (
        AgreementVersion.objects.filter(agreement=agreement)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("signer", "recorded_by").order_by("signed_at", "id"),
            )
        )
        .order_by("-number")
    )


def current_version(agreement):
    """The latest issued version, or None before the first issue."""
    return AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()


def signed_parties(version):
    if version is None:
        return set()
    return set(Signature.objects.filter(version=version).values_list("party", flat=True))


# The documents that set a theme's work period, the most specific first.
PERIOD_KINDS = (Agreement.Kind.IMPLEMENTATION_PLAN, Agreement.Kind.AGREEMENT)


def work_period_agreement(theme):
    """The agreement that sets the work period of `theme`'s placements: its implementation plan
    (実施計画書), else its co-op agreement (協定書); the latest one not terminated and with dates.
    None when no such agreement states a date."""
    if theme is None:
        return None
    for kind in PERIOD_KINDS:
        agreement = (
            Agreement.objects.filter(tenant_id=theme.tenant_id, theme_id=theme.pk, kind=kind)
            .exclude(state=Agreement.State.TERMINATED)
            .exclude(valid_from__isnull=True, valid_until__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if agreement is not None:
            return agreement
    return None
