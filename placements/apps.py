from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

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
        from coop.signals import membership_joined

        from . import dashboard, deadlines, demo, demo_meetings, history, summary, tasks
        from .exports import TABLES
        from .services.partners import contact_link_user

        register_nav(10, "placements:theme_list", _("Themes"))
        register_nav(20, "placements:application_list", _("Applications"))
        register_nav(30, "placements:placement_list", _("Placements"))
        register_nav(40, "placements:partner_list", _("Partners"))
        register_nav(50, "placements:agreement_list", _("Agreements"))
        register_nav(60, "placements:program_list", _("Programs"))
        register_nav(70, "placements:import_start", _("Imports"))
        register_nav(73, "placements:term_summary", _("Term summary"))
        register_dashboard_panel(dashboard.panels)
        register_waiting_provider(dashboard.waiting)
        register_waiting_provider(dashboard.meetings_waiting)
        register_dashboard_panel(dashboard.meetings_panel)
        register_history(labels=history.LABELS, texts=history.TEXTS, value_labels=history.VALUE_LABELS)
        register_demo_seeder(demo.seed)
        register_demo_seeder(demo_meetings.seed)
        register_sweeper(tasks.sweep_pdfs)
        register_sweeper(tasks.sweep_imports)
        register_sweeper(tasks.sweep_entry_confirmations)
        register_deadline_provider(deadlines.agreements_waiting_for_signature)
        register_deadline_provider(deadlines.meetings_due)
        register_summary_section(summary.sections)
        for table in TABLES.values():
            register_export_table(table)

        def link_partner_contacts(sender, membership, **kwargs):
            contact_link_user(membership=membership)

        membership_joined.connect(link_partner_contacts, weak=False, dispatch_uid="placements.link_partner_contacts")
