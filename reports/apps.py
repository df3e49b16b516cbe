from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from coop.registry import (
            register_dashboard_panel,
            register_deadline_provider,
            register_demo_seeder,
            register_export_table,
            register_history,
            register_nav,
            register_summary_section,
            register_sweeper,
            register_waiting_provider,
        )

        from . import dashboard, deadlines, demo, history, summary, tasks
        from .exports import TABLES

        register_nav(25, "reports:today", _("Today's report"))
        register_nav(35, "reports:overview", _("Reports"))
        register_nav(74, "reports:compliance", _("Compliance"))
        register_nav(91, "reports:settings", _("Report settings"))
        register_nav(92, "reports:evaluation_form", _("Evaluation form"))
        register_dashboard_panel(dashboard.panels)
        register_waiting_provider(dashboard.waiting)
        register_history(texts=history.TEXTS, value_labels=history.VALUE_LABELS)
        register_demo_seeder(demo.seed)
        register_sweeper(tasks.sweep_links)
        register_deadline_provider(deadlines.daily_reports_missing)
        register_deadline_provider(deadlines.monthly_reports_due)
        register_deadline_provider(deadlines.evaluations_due)
        register_summary_section(summary.sections)
        for table in TABLES.values():
            register_export_table(table)
