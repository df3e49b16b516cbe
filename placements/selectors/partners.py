from django.db.models import Count, Q

from coop.workflow import history_for

from ..models import PartnerContact, PractitionerFaculty, Theme
from .visibility import partners_for_user


def partner_list_for_user(user, role, *, q=""):
    qs = partners_for_user(user, role).annotate(
        theme_count=Count("themes", distinct=True),
        open_theme_count=Count("themes", filter=Q(themes__state=Theme.State.OPEN), distinct=True),
        placement_count=Count("placements", distinct=True),
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_kana__icontains=q) | Q(industry__icontains=q))
    return qs.order_by("name")


def partner_detail_context(partner):
    """Everything the partner page shows: people, practitioners, themes by year, placements, history."""
    contacts = PartnerContact.objects.filter(partner=partner).select_related("department", "user", "practitioner")
    return {
        "contacts": contacts,
        "departments": partner.departments.all(),
        "practitioners": PractitionerFaculty.objects.filter(contact__partner=partner).select_related("contact"),
        "themes": partner.themes.select_related("program", "term").order_by("-created_at"),
        "placements": partner.placements.select_related("student", "theme").order_by("-starts_on"),
        "agreements": partner.agreements.order_by("-created_at"),
        "history": history_for(partner)[:50],
    }
