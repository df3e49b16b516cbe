from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RubricsConfig(AppConfig):
    name = "rubrics"
    verbose_name = _("Rubrics")

    def ready(self):
        from coop.access import MANAGERS
        from coop.registry import (
            register_dashboard_panel,
            register_deadline_provider,
            register_demo_seeder,
            register_export_table,
            register_nav,
            register_summary_section,
            register_sweeper,
            register_waiting_provider,
        )

        from . import dashboard, deadlines, demo, summary, tasks
        from .exports import TABLES

        register_nav(45, "rubrics:rubric_list", _("Rubrics"))
        # The office runs assessments from Rubrics and reaches growth from its tabs (one nav
        # entry per URL prefix); its own assessments list would be empty.
        register_nav(46, "rubrics:my_assessments", _("Assessments"), hide_from=MANAGERS)
        register_nav(47, "rubrics:cohort_growth", _("Growth"), hide_from=MANAGERS)
        register_dashboard_panel(dashboard.panels)
        register_waiting_provider(dashboard.waiting)
        register_demo_seeder(demo.seed)
        register_sweeper(tasks.sweep_links)
        register_deadline_provider(deadlines.assessments_due)
        register_summary_section(summary.sections)
        for table in TABLES.values():
            register_export_table(table)
