"""Partners and programs, themes, agreements, pre-education, applications, placements.

The KIT co-op flow (seed 000) generalised: coordinator-run practical internships (002), exchange
programs with outbound/inbound students (001) and high-school dual-system placements (003) run
on the same rows. Every model is tenant-owned; states change only through services. One module
per area; Django and the rest of the project import the models from here.
"""

from .agreements import Agreement, AgreementVersion, Signature
from .education import Attendance, CourseSession, PreAssignment, Submission
from .entries import Entry, EntrySchool
from .meetings import SIDE_LABELS, SIDES, ReflectionAction, ReflectionDialogue, StartOrientation
from .partners import ContactLink, Partner, PartnerContact, PartnerDepartment, PractitionerFaculty
from .placements import CareerOutcome, Placement, PlacementSupervisor, PlacementUserObjectPermission
from .programs import Cadence, Program, Term, YearPlan
from .selection import Application, Interview, InterviewParticipant
from .themes import Theme, ThemeComment

__all__ = [
    "Partner",
    "PartnerDepartment",
    "PartnerContact",
    "ContactLink",
    "PractitionerFaculty",
    "Program",
    "Term",
    "YearPlan",
    "Theme",
    "ThemeComment",
    "Agreement",
    "AgreementVersion",
    "Signature",
    "CourseSession",
    "Attendance",
    "PreAssignment",
    "Submission",
    "Application",
    "Entry",
    "EntrySchool",
    "Interview",
    "InterviewParticipant",
    "StartOrientation",
    "ReflectionDialogue",
    "ReflectionAction",
    "SIDES",
    "SIDE_LABELS",
    "Cadence",
    "Placement",
    "PlacementSupervisor",
    "PlacementUserObjectPermission",
    "CareerOutcome",
]
