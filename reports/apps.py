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
        register_history(labels=history.LABELS, texts=history.TEXTS, value_labels=history.VALUE_LABELS)
        register_demo_seeder(demo.seed)
        register_sweeper(tasks.sweep_links)
        register_deadline_provider(deadlines.daily_reports_missing)
        register_deadline_provider(deadlines.monthly_reports_due)
        register_deadline_provider(deadlines.evaluations_due)
        register_summary_section(summary.sections)
        for table in TABLES.values():
            register_export_table(table)
        self.version_records()
        self.tally_reports()

    def tally_reports(self):
        """Every save and delete of a daily report counts its month again (ReportTally)."""
        from django.db.models.signals import post_delete, post_save

        from .models import DailyReport
        from .selectors import month_start
        from .services import report_tally_refresh

        def counted(sender, instance, **kwargs):
            report_tally_refresh(
                tenant_id=instance.tenant_id, placement_id=instance.placement_id, month=month_start(instance.date)
            )

        def saved(sender, instance, **kwargs):
            # A draft was never submitted (a submitted report stays submitted): the count is as
            # it was, so the student's draft saves cost nothing more.
            if instance.state == DailyReport.State.SUBMITTED:
                counted(sender, instance)

        post_save.connect(saved, sender=DailyReport, weak=False, dispatch_uid="reports:tally")
        post_delete.connect(counted, sender=DailyReport, weak=False, dispatch_uid="reports:tally-")

    def version_records(self):
        """Figures cached from the placements' and reports' rows (the compliance groups) are
        keyed with the tenant's "records" version, bumped by every save and delete of those
        rows; bulk writes (imports) bump it themselves."""
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from coop.cache import tenant_version_bump

        def changed(sender, instance, **kwargs):
            tenant_version_bump("records", instance.tenant_id)

        for model in [*apps.get_app_config("placements").get_models(), *self.get_models()]:
            if any(f.name == "tenant" for f in model._meta.concrete_fields):
                post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"records:{model._meta.label}")
                post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"records-:{model._meta.label}")
