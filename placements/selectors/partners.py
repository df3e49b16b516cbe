from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from coop.workflow import history_for

from ..models import PartnerContact, Placement, PractitionerFaculty, Theme


def partner_list_rows(queryset):
    """A page of the partners list with its counts (for these rows only: subqueries, no GROUP BY
    over every partner's themes and placements)."""

    def count(model, **conditions):
        rows = model.objects.filter(partner=OuterRef("pk"), **conditions).order_by().values("partner")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

    return queryset.annotate(
        theme_count=count(Theme),
        open_theme_count=count(Theme, state=Theme.State.OPEN),
        placement_count=count(Placement),
    )


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
