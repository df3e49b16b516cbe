"""Programs, their terms, and yearly plans of students sent and received."""

from django.db import transaction

from ..models import Program, Term, YearPlan


@transaction.atomic
def program_save(*, tenant, by, program=None, **values):
    program = program or Program(tenant=tenant)
    is_new = program.pk is None
    for name in ("name", "kind", "description", "is_active", "orientation_required", "reflection_cadence"):
        if name in values:
            setattr(program, name, values[name])
    # Months not given (or left empty) are the kind's usual ones, e.g. co-op 4 to 12 (seed 000).
    usual = dict(zip(("min_months", "max_months"), Program.DEFAULT_MONTHS.get(program.kind, (1, 12)), strict=True))
    for name, months in usual.items():
        if values.get(name) is not None:
            setattr(program, name, values[name])
        elif is_new or name in values:
            setattr(program, name, months)
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def term_save(*, program, by, term=None, **values):
    term = term or Term(tenant=program.tenant, program=program)
    for name in ("name", "academic_year", "starts_on", "ends_on"):
        if name in values:
            setattr(term, name, values[name])
    term.full_clean()
    term.save()
    return term


def year_plan_set(*, program, academic_year, planned_outbound, by, planned_inbound=0):
    plan, _created = YearPlan.objects.update_or_create(
        tenant=program.tenant,
        program=program,
        academic_year=academic_year,
        defaults={"planned_outbound": planned_outbound, "planned_inbound": planned_inbound},
    )
    return plan
