from django.db.models import Count, Q

from ..models import Placement


def plan_vs_actual(program):
    """Per academic year: planned vs actual students sent and received (seed 001).

    Actual = placements of the program's themes that were not terminated, counted by the
    academic year of their term (or of their start date, April to March, without a term).
    """
    plans = {p.academic_year: p for p in program.year_plans.all()}
    actual_rows = (
        Placement.objects.filter(theme__program=program)
        .exclude(state=Placement.State.TERMINATED)
        .values("theme__term__academic_year", "starts_on__year", "starts_on__month")
        .annotate(
            outbound=Count("id", filter=Q(direction=Placement.Direction.OUTBOUND)),
            inbound=Count("id", filter=Q(direction=Placement.Direction.INBOUND)),
        )
    )
    actual = {}
    for row in actual_rows:
        year = row["theme__term__academic_year"]
        if year is None:  # the Japanese academic year starts in April
            year = row["starts_on__year"] if row["starts_on__month"] >= 4 else row["starts_on__year"] - 1
        out, inn = actual.get(year, (0, 0))
        actual[year] = (out + row["outbound"], inn + row["inbound"])
    rows = []
    for year in sorted(set(plans) | set(actual), reverse=True):
        plan = plans.get(year)
        out, inn = actual.get(year, (0, 0))
        rows.append(
            {
                "year": year,
                "planned_outbound": plan.planned_outbound if plan else 0,
                "planned_inbound": plan.planned_inbound if plan else 0,
                "actual_outbound": out,
                "actual_inbound": inn,
            }
        )
    return rows
