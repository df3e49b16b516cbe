"""Who may do what in the rubrics app (who rates which assessment); the pages' roles are on
the views (@require_role), what a person may see comes from placements.access."""

from coop.access import MANAGERS

from .models import Rater
from .selectors import RATER_FOR_ROLE


def may_rate(request, placement, rater):
    """Whether this person may enter the `rater` assessment of a placement they can see:
    the student their own self-assessment, the faculty supervisor and the partner people
    theirs; the office may enter the partner's and the faculty's (e.g. from a paper form)."""
    role = request.membership.role
    if role in MANAGERS:
        return rater in (Rater.PARTNER, Rater.FACULTY)
    return RATER_FOR_ROLE.get(role) == rater
