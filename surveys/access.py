"""Who may answer which survey response; the pages' roles are on the views (@require_role)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from coop.access import MANAGERS
from coop.models import Role

from .models import Audience
from .selectors import response_detail


def may_answer(request, response):
    """The student answers their own, a partner person theirs as a supervisor, the office
    (admin or staff) the office's response for a placement."""
    role, user = request.membership.role, request.user
    if response.audience == Audience.STAFF:
        return role in MANAGERS
    if response.audience == Audience.STUDENT:
        return role == Role.STUDENT and response.placement.student_id == user.pk
    return role == Role.PARTNER and response.contact is not None and response.contact.user_id == user.pk


def get_response_for_user(request, pk):
    """The response this person answers. The office may learn that another person's response
    exists (it runs the round): 403; for everybody else it does not exist: 404."""
    response = response_detail(pk)
    if response is None:
        raise Http404
    if may_answer(request, response):
        return response
    if request.membership.role in MANAGERS:
        raise PermissionDenied
    raise Http404
