from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from coop.access import MANAGERS
        from coop.registry import (
            register_consortium_figures,
            register_dashboard_panel,
            register_deadline_provider,
            register_demo_seeder,
            register_history,
            register_nav,
            register_summary_section,
            register_sweeper,
            register_waiting_provider,
        )

        from . import dashboard, deadlines, demo, history, selectors, summary, tasks

        register_nav(48, "surveys:form_list", _("Surveys"))
        # Students and partner people reach their surveys from here and from the dashboard.
        register_nav(49, "surveys:my_surveys", _("Surveys"), hide_from=MANAGERS)
        register_dashboard_panel(dashboard.panels)
        register_waiting_provider(dashboard.waiting)
        register_demo_seeder(demo.seed)
        register_sweeper(tasks.sweep_links)
        register_summary_section(summary.sections)
        register_deadline_provider(deadlines.surveys_due)
        register_consortium_figures(selectors.survey_figures_for_consortium)
        register_history(labels=history.LABELS, texts=history.TEXTS, value_labels=history.VALUE_LABELS)
