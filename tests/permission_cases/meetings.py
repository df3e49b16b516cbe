"""Interviews' outcome, the start orientation and reflection dialogues (issue 13, items 2-4).

A partner person sees the meetings of their own partner's placements; the student their own;
faculty read the dialogues of placements they supervise (and confirm or write nothing)."""

from django.utils import timezone
from django_scopes import scopes_disabled

from coop.access import EVERY_ROLE, MANAGERS
from coop.models import Role
from placements.models import Interview, Placement, ReflectionDialogue, StartOrientation

from . import Case
from .placements_core import _application, _placement

SELECTORS = MANAGERS | {Role.PARTNER}
PARTIES = MANAGERS | {Role.PARTNER, Role.STUDENT}


def interview(tenant, members):
    application = _application(tenant, members)
    with scopes_disabled():
        found = Interview.objects.create(tenant=tenant, application=application, held_at=timezone.now())
    return {"pk": found.pk}


def placement(tenant, members):
    return {"pk": _placement(tenant, members).pk}


def placement_with_orientation(tenant, members):
    found = _placement(tenant, members)
    with scopes_disabled():
        StartOrientation.objects.create(tenant=tenant, placement=found, purpose="目的", goals="目標")
    return {"pk": found.pk}


def active_placement(tenant, members):
    found = _placement(tenant, members)
    with scopes_disabled():
        Placement.objects.filter(pk=found.pk).update(state=Placement.State.ACTIVE)
    return {"pk": found.pk}


def dialogue(tenant, members):
    found = _placement(tenant, members)
    with scopes_disabled():
        Placement.objects.filter(pk=found.pk).update(state=Placement.State.ACTIVE)
        created = ReflectionDialogue.objects.create(
            tenant=tenant, placement=found, number=1, scheduled_at=timezone.now()
        )
    return {"pk": created.pk}


TENANT_URLS = {
    # Students see their interviews on their application page, not this form.
    "placements:interview_edit": Case("GET", SELECTORS, interview),
    "placements:orientation_edit": Case("GET", MANAGERS, placement),
    "placements:orientation_confirm": Case("POST", PARTIES, placement_with_orientation),
    "placements:reflection_schedule": Case("GET", MANAGERS, active_placement),
    # Faculty read the dialogues of the placements they supervise.
    "placements:reflection_detail": Case("GET", EVERY_ROLE, dialogue),
    "placements:reflection_notes": Case("POST", PARTIES, dialogue, {"notes": "学んだこと"}),
    "placements:reflection_actions": Case("POST", MANAGERS, dialogue, {"action_1": "次にやること"}),
}
