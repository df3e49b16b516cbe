"""What waits on whom in the placements app: accepted students without a pledge or a placement,
agreements a party has not signed, applicants to review, offers a student has not answered. Each read is one query."""

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery

from ..models import Agreement, AgreementVersion, Application, Signature, Theme
from . import visibility

# Applications that wait for a decision by the partner or the office.
TO_REVIEW = (Application.State.SUBMITTED, Application.State.SHORTLISTED)


def _pledges(state=None):
    """The current (not terminated) student pledge of the outer application."""
    qs = Agreement.objects.filter(application=OuterRef("pk"), kind=Agreement.Kind.STUDENT_PLEDGE).exclude(
        state=Agreement.State.TERMINATED
    )
    return qs.filter(state=state) if state else qs


def accepted_applications():
    """Accepted applications (the student said yes, no placement yet), each annotated with
    `has_pledge` (issued or signed) and `pledge_in_force`, with the student and theme."""
    return (
        Application.objects.filter(state=Application.State.ACCEPTED)
        .annotate(has_pledge=Exists(_pledges()), pledge_in_force=Exists(_pledges(Agreement.State.IN_FORCE)))
        .select_related("student", "theme", "theme__partner")
        .order_by("theme__title", "student__full_name", "pk")
    )


def accepted_waiting_counts():
    """{"pledge": accepted students with no pledge yet, "placement": accepted students whose
    pledge is in force and who have no placement yet}: one query."""
    return Application.objects.filter(state=Application.State.ACCEPTED).aggregate(
        pledge=Count("pk", filter=~Q(Exists(_pledges()))),
        placement=Count("pk", filter=Q(Exists(_pledges(Agreement.State.IN_FORCE)))),
    )


def agreements_waiting_for_party(user, role, party):
    """Agreements `user` may see that are issued for signature and whose current version
    `party` ("institution", "partner", "student") has not signed yet."""
    kinds = [kind for kind, parties in Agreement.PARTIES.items() if party in parties]
    latest = AgreementVersion.objects.filter(agreement=OuterRef("pk")).order_by("-number").values("pk")[:1]
    signed = Signature.objects.filter(version_id=OuterRef("latest_version"), party=party)
    return (
        visibility.agreements_for_user(user, role)
        .filter(state=Agreement.State.ISSUED, kind__in=kinds)
        .annotate(latest_version=Subquery(latest))
        .exclude(Exists(signed))
    )


def count_and_first(queryset):
    """(how many, the pk of the first) in one query: a link goes straight to a single row."""
    found = queryset.aggregate(n=Count("pk"), first=Min("pk"))
    return found["n"], found["first"]


def applications_to_review(user, role):
    return visibility.applications_for_user(user, role).filter(state__in=TO_REVIEW)


def offers_to_answer(user, role):
    """The student's applications the partner selected: they wait for the student's yes or no."""
    return visibility.applications_for_user(user, role).filter(state=Application.State.SELECTED)


def draft_themes_to_confirm(user, role, side):
    """Draft themes `user` may see that wait for `side`'s confirmation: for the office, those
    the partner has confirmed; for the partner's people, every draft they have not confirmed."""
    drafts = visibility.themes_for_user(user, role).filter(state=Theme.State.DRAFT)
    if side == "institution":
        return drafts.filter(institution_confirmed_at__isnull=True, partner_confirmed_at__isnull=False)
    return drafts.filter(partner_confirmed_at__isnull=True)
