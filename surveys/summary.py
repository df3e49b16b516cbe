"""The surveys app's section of a term summary (registered in apps.ready): per survey round of
the program and term, the response rate per group asked and, per rating question, the mean and
the number of answers per group; per choice question, the answers per choice. Free text stays
on the results page. No round in the scope: no section."""

from django.utils.translation import gettext as _

from coop import charts
from coop.summary import Section

from .models import QuestionType
from .selectors import round_results, rounds_for_program


def _number(value):
    return "" if value is None else value


def sections(scope):
    rounds = rounds_for_program(
        tenant=scope.tenant, program=scope.program, term=scope.term, academic_year=scope.academic_year
    )
    found = []
    for survey_round in rounds:
        results = round_results(survey_round, with_texts=False)
        rows = [
            [_("Response rate"), row["label"], row["answered"], f"{row['owed']}", _number(row["rate"])]
            for row in results["rates"]
        ]
        chart_labels, chart_series = [], {}
        for question in results["questions"]:
            if question["type"] == QuestionType.RATING:
                chart_labels.append(question["text"])
                for cell in question["by_audience"]:
                    rows.append([question["text"], cell["label"], cell["n"], "", _number(cell["mean"])])
                    chart_series.setdefault(cell["label"], []).append(cell["mean"] or 0)
            elif question["type"] in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                for cell in question["by_audience"]:
                    counts = "、".join(
                        f"{choice}: {count}" for choice, count in zip(question["choices"], cell["counts"], strict=True)
                    )
                    rows.append([question["text"], cell["label"], cell["n"], counts, ""])
        title = _("Survey: %(name)s (%(dates)s)") % {
            "name": survey_round.form.name,
            "dates": f"{survey_round.opens_on:%Y-%m-%d}–{survey_round.closes_on:%Y-%m-%d}",
        }
        chart = ""
        if chart_labels:
            chart = charts.bar_chart(_("Mean rating (1 to 5)"), chart_labels, list(chart_series.items()), max_value=5)
        found.append(
            Section(
                f"survey-{survey_round.pk}",
                title,
                [_("Question"), _("Asked"), _("Answers"), _("Counts or asked"), _("Mean or rate (%)")],
                rows,
                note=_("%(answered)s of %(owed)s responses answered.")
                % {"answered": results["answered"], "owed": results["owed"]},
                chart=chart,
                numbers={
                    "owed": results["owed"],
                    "answered": results["answered"],
                    "rate": results["rate"],
                    **{
                        f"{q['key']}:{cell['audience']}": cell.get("mean")
                        for q in results["questions"]
                        for cell in q["by_audience"]
                        if q["type"] == QuestionType.RATING
                    },
                },
            )
        )
    return found
