from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from coop.access import MANAGERS
from coop.models import ExportJob, Role

from ..factories import member
from . import Case


def staff_job(tenant, members):
    owner = members.get(Role.STAFF) or member(tenant, Role.STAFF)
    with scopes_disabled():
        job = ExportJob.objects.create(tenant=tenant, user=owner, table="partners", fmt="csv", state="done")
        job.file.save("partners.csv", ContentFile(b"x"))
    return {"pk": job.pk}


# An export job belongs to the person who started it: to every other role it does not exist.
OWNER_ONLY = {Role.ADMIN: 404, Role.FACULTY: 403, Role.PARTNER: 403, Role.STUDENT: 403}

TENANT_URLS = {
    "coop:exports": Case("GET", MANAGERS),
    "coop:export_download": Case(
        "GET", MANAGERS, lambda tenant: {"table": "placements", "fmt": "csv"}, names_object=False
    ),
    "coop:export_start": Case("POST", MANAGERS, lambda tenant: {"table": "partners", "fmt": "csv"}, names_object=False),
    "coop:export_job": Case("GET", MANAGERS, staff_job, outcomes=OWNER_ONLY),
    "coop:export_job_file": Case("GET", MANAGERS, staff_job, outcomes=OWNER_ONLY),
}
