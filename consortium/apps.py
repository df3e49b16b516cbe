from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiumConfig(AppConfig):
    name = "consortium"
    verbose_name = _("Consortiums")

    def ready(self):
        # the registry and this app's modules need the app registry ready
        from coop.registry import register_demo_seeder, register_history, register_home_links, register_nav

        from . import demo, history, links

        register_nav(60, "consortium_member:home", _("Consortium"))
        register_home_links(links.home_links)
        register_demo_seeder(demo.seed)
        register_history(labels=history.LABELS, texts=history.TEXTS)
