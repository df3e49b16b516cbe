"""What the placements app's lists search and filter by (coop.lists does the paging): the
searches over the names people type, and the choices of the program, term, partner and faculty
filters. Each is a subquery, so a list stays one query."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.lists import Filter, field_filter, search_filter
from coop.models import Membership, Role, User

from ..models import CareerOutcome, Partner, Placement, Program, Term, Theme

# The career outcome filter of the placements list: one of the outcome's yes/no facts, or none recorded.
OUTCOMES = ("offer_received", "hired_by_partner", "hired_in_japan", "stayed_in_region")


def people_matching(q):
    """Users whose name or email contains `q` (one subquery the trigram indexes of both columns
    answer together), and those whose kana or student number in this tenant does (another)."""
    by_name = User.objects.filter(Q(full_name__icontains=q) | Q(email__icontains=q)).values("pk")
    in_tenant = Membership.objects.filter(Q(name_kana__icontains=q) | Q(student_number__icontains=q))
    return by_name, in_tenant.values("user_id")


def partners_matching(q):
    return Partner.objects.filter(Q(name__icontains=q) | Q(name_kana__icontains=q)).values("pk")


def search_people(path):
    def condition(q):
        by_name, in_tenant = people_matching(q)
        return Q(**{f"{path}__in": by_name}) | Q(**{f"{path}__in": in_tenant})

    return condition


def search_themes(path):
    return lambda q: Q(**{f"{path}__in": Theme.objects.filter(title__icontains=q).values("pk")})


def search_partners(path):
    return lambda q: Q(**{f"{path}__in": partners_matching(q)})


def program_choices(request):
    return Program.objects.order_by("name").values_list("pk", "name")


def term_choices(request):
    return [
        (pk, f"{program} {name}")
        for pk, program, name in Term.objects.order_by("-academic_year", "program__name", "name").values_list(
            "pk", "program__name", "name"
        )
    ]


def faculty_choices(request):
    faculty = Membership.objects.filter(role=Role.FACULTY).order_by("user__full_name", "user__email")
    return faculty.values_list("user_id", "user__full_name")


def partner_name(value):
    return Partner.objects.filter(pk=value).values_list("name", flat=True).first()


def theme_title(value):
    return Theme.objects.filter(pk=value).values_list("title", flat=True).first()


def program_filter(path="program"):
    return field_filter("program", Program._meta.verbose_name, path, program_choices)


def term_filter(path="term"):
    return field_filter("term", Term._meta.verbose_name, path, term_choices)


def partner_filter(path="partner"):
    return field_filter("partner", Partner._meta.verbose_name, path, by_id=True, describe=partner_name)


def faculty_filter(path="faculty_supervisor"):
    return field_filter("faculty", Placement._meta.get_field("faculty_supervisor").verbose_name, path, faculty_choices)


def state_filter(model):
    return field_filter("state", model._meta.get_field("state").verbose_name, "state", lambda r: model.State.choices)


def outcome_filter(path="career_outcome"):
    def choices(request):
        return [
            *((name, CareerOutcome._meta.get_field(name).verbose_name) for name in OUTCOMES),
            ("none", _("No outcome recorded")),
        ]

    def apply(qs, value):
        if value == "none":
            return qs.filter(**{f"{path}__isnull": True})
        return qs.filter(**{f"{path}__{value}": True})

    return Filter("outcome", CareerOutcome._meta.verbose_name, apply, choices)


PLACEMENT_SEARCH = search_filter(search_people("student"), search_partners("partner"), search_themes("theme"))
