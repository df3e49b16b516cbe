"""Reads of evaluations, final results and emailed links."""

from django.db.models import Count, Q
from django.utils.translation import gettext

from coop import links
from coop.access import MANAGERS
from coop.models import Role
from placements.models import PartnerContact
from placements.selectors.visibility import placements_for_user

from ..models import AccessLink, Evaluation, EvaluationForm, MonthlyReport, PlacementResult

# --- Evaluations, the final result and emailed links ------------------------------------------


def access_link_for_token(tenant, token):
    """The link of this tenant with this token, or None (unknown, tampered, another tenant's)."""
    return links.link_for_token(
        AccessLink.objects.filter(tenant=tenant).select_related(
            "placement", "placement__student", "placement__partner", "placement__theme", "contact"
        ),
        token,
    )


def evaluation_form_for_tenant(tenant):
    """The tenant's current evaluation form, or the default one unsaved (nothing is written)."""
    found = EvaluationForm.objects.filter(tenant=tenant, is_current=True).order_by("-version").first()
    return found or EvaluationForm.default_for(tenant)


def evaluations_for_user(user, role):
    """The evaluations of the placements this person may see: the submitted ones, and drafts to
    the office and to whoever is writing them (a draft is not anybody else's to read)."""
    qs = Evaluation.objects.filter(placement__in=placements_for_user(user, role))
    if role not in MANAGERS:
        qs = qs.filter(Q(state=Evaluation.State.SUBMITTED) | Q(rater=user))
    return qs.select_related("placement", "placement__student", "placement__partner")


def evaluations_of_placement(placement):
    """{kind: Evaluation} with the form and the rater."""
    return {e.kind: e for e in Evaluation.objects.filter(placement=placement).select_related("form", "rater")}


def result_for(placement):
    return (
        PlacementResult.objects.filter(placement=placement).select_related("faculty_user", "practitioner_user").first()
    )


def access_links_of_placement(placement):
    """The placement's emailed links, newest first, with how often each was opened."""

    return (
        AccessLink.objects.filter(placement=placement)
        .select_related("contact", "created_by")
        .annotate(open_count=Count("opens"))
        .order_by("-created_at", "-id")
    )


def link_targets(placement):
    """The placement's partner supervisors with an email address (the people a link goes to)."""

    return PartnerContact.objects.filter(supervised__placement=placement).exclude(email="").order_by("full_name", "pk")


def feedback_months(placement):
    """Months whose monthly report waits for the partner's feedback (a link can be sent)."""
    return list(
        MonthlyReport.objects.filter(placement=placement, partner_feedback="")
        .exclude(state=MonthlyReport.State.DRAFT)
        .order_by("month")
        .values_list("month", flat=True)
    )


def scored_rows(evaluation):
    """The form's criteria with this evaluation's scores, labels translated when they are msgids."""

    form = evaluation.form
    return [
        {
            "key": c["key"],
            "label": gettext(c["label"]),
            "description": gettext(c["description"]) if c.get("description") else "",
            "score": evaluation.scores.get(c["key"]),
        }
        for c in form.criteria
    ]


def form_rows(form, scores=None, answers=None):
    """Criteria and questions of `form` for the input page, with the values given so far."""

    scores, answers = scores or {}, answers or {}
    criteria = [
        {
            "key": c["key"],
            "label": gettext(c["label"]),
            "description": gettext(c["description"]) if c.get("description") else "",
            "value": str(scores.get(c["key"], "")),
        }
        for c in form.criteria
    ]
    questions = [
        {"key": q["key"], "label": gettext(q["label"]), "value": answers.get(q["key"], "")} for q in form.questions
    ]
    return criteria, questions


def access_link_rows(queryset):
    """A page of the emailed links list, with placement, person and open count."""
    return queryset.select_related("placement__student", "placement__partner", "contact").annotate(
        open_count=Count("opens")
    )


def unopened_links(queryset, now):
    """The links of `queryset` still valid that nobody has opened yet (the office may call the
    person): the dashboard's count and the links list's filter."""
    return queryset.filter(queryset.model.status_q(now=now), opened_at__isnull=True)


def access_links_unopened(tenant, now):
    return unopened_links(AccessLink.objects.filter(tenant=tenant), now)


def results_to_agree(user, role):
    """Final results of this person's placements that wait for their side's agreement: the
    faculty supervisor (or a granted reviewer) or the practitioner faculty."""
    if role == Role.FACULTY:
        return PlacementResult.objects.filter(
            placement__in=placements_for_user(user, role), agreed_by_faculty__isnull=True
        )
    if role == Role.PARTNER:
        return PlacementResult.objects.filter(
            placement__practitioner__contact__user=user, agreed_by_practitioner__isnull=True
        )
    return PlacementResult.objects.none()
