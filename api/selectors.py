"""Reads of the API: tokens, their use, and the rows each endpoint lists. The rows come from the
same selectors as the pages (placements.selectors, reports.selectors, coop.selectors)."""

from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django_scopes import scope

from coop import rls
from coop.access import ADMINS
from coop.models import Invitation, Membership, Role, Tenant
from coop.tokens import hash_token
from placements.models import CareerOutcome, Partner, Term
from placements.selectors.placements import placement_list_rows
from placements.selectors.visibility import placements_for_user, themes_for_user
from reports.models import DailyReport, Evaluation, MonthlyReport, PlacementResult

from .models import ApiRequestLog, ApiToken

MAX_TOKEN_LENGTH = 200
# The API reads as the institution's placement office does (the token's area limits what).
API_ROLE = Role.STAFF


def _maker_is_admin():
    """A token acts for the administrator who made it, while they are one (same query)."""
    return Exists(
        Membership.objects.filter(
            tenant=OuterRef("tenant"), user=OuterRef("created_by"), role__in=ADMINS, is_active=True
        )
    )


def api_token_for_raw(raw):
    """The token a raw `<tenant slug>.<secret>` names, with its tenant and maker, or None for an
    unknown, tampered, or inactive tenant's token. Looked up inside the slug's tenant."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or "." not in raw:
        return None
    slug = raw.split(".", 1)[0]
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        return None
    with scope(tenant=tenant), rls.tenant(tenant):
        token = (
            ApiToken.objects.filter(tenant=tenant, token_hash=hash_token(raw))
            .select_related("created_by")
            .annotate(maker_is_admin=_maker_is_admin())
            .first()
        )
    if token is not None:
        token.tenant = tenant  # no second query for it
    return token


def api_tokens_for_tenant(tenant):
    return ApiToken.objects.filter(tenant=tenant)


def api_token_rows(queryset):
    """The settings page's rows: maker (still an administrator?), and use (requests kept, last
    one) in the same query."""
    return queryset.select_related("created_by").annotate(
        request_count=Count("requests"), last_used_at=Max("requests__created_at"), maker_is_admin=_maker_is_admin()
    )


def api_requests_for_token(token, limit=50):
    return ApiRequestLog.objects.filter(tenant=token.tenant_id, token=token).order_by("-created_at", "-id")[:limit]


def students_for_api(tenant):
    """Students who joined (memberships with the role student)."""
    return Membership.objects.filter(tenant=tenant, role=Role.STUDENT).select_related("user")


def student_for_number(tenant, number):
    """(membership, pending invitation) of a student number: either may be None."""
    member = students_for_api(tenant).filter(student_number=number).first()
    if member is not None:
        return member, None
    invitation = (
        Invitation.objects.filter(Invitation.status_q(), tenant=tenant, student_number=number)
        .order_by("-created_at")
        .first()
    )
    return None, invitation


def _student_number():
    return Subquery(
        Membership.objects.filter(tenant=OuterRef("tenant"), user=OuterRef("student")).values("student_number")[:1]
    )


def partners_for_api(tenant):
    return Partner.objects.filter(tenant=tenant)


def themes_for_api(tenant):
    return themes_for_user(None, API_ROLE).select_related("partner", "program", "term")


def placements_for_api(tenant):
    return placement_list_rows(placements_for_user(None, API_ROLE)).annotate(student_number=_student_number())


def daily_reports_for_api(tenant):
    return DailyReport.objects.filter(tenant=tenant, placement__in=placements_for_user(None, API_ROLE))


def monthly_reports_for_api(tenant):
    return MonthlyReport.objects.filter(tenant=tenant, placement__in=placements_for_user(None, API_ROLE))


def evaluations_for_api(tenant):
    return Evaluation.objects.filter(tenant=tenant).exclude(state=Evaluation.State.DRAFT)


def results_for_api(tenant):
    return PlacementResult.objects.filter(tenant=tenant)


def outcomes_for_api(tenant):
    return CareerOutcome.objects.filter(tenant=tenant)


def terms_for_api(tenant):
    return Term.objects.filter(tenant=tenant).select_related("program")
