"""Where apps plug into the core without the core importing them: navigation entries and
dashboard panels. Apps register in their AppConfig.ready()."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    order: int
    url_name: str
    label: object  # a lazy translation; who sees it is who may open the view (coop.access)
    # Roles that may open the view but find it elsewhere (a layout choice, not a permission).
    hide_from: frozenset = frozenset()


NAV_ITEMS = []
DASHBOARD_PANELS = []
DEMO_SEEDERS = []
DEADLINE_PROVIDERS = []
EXPORT_TABLES = {}
# History: what an action code is called, and the sentence its values make, both translated
# when read (coop.models.HistoryEntry), so each reader sees them in their own language.
HISTORY_LABELS = {}
HISTORY_TEXTS = {}
HISTORY_VALUE_LABELS = {}


def register_nav(order, url_name, label, *, hide_from=()):
    item = NavItem(order, url_name, label, frozenset(hide_from))
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_dashboard_panel(provider):
    """`provider(request)` returns a list of (template name, context dict) for the request's role."""
    if provider not in DASHBOARD_PANELS:
        DASHBOARD_PANELS.append(provider)


def dashboard_panels(request):
    panels = []
    for provider in DASHBOARD_PANELS:
        panels.extend(provider(request))
    return panels


@dataclass(frozen=True)
class Waiting:
    """One kind of thing that waits on the person signed in: what it is, how many, where to
    act on it. Every app says what waits in its own rows; the dashboard shows them together."""

    label: object  # translated text
    count: int
    url: str


WAITING_PROVIDERS = []


def register_waiting_provider(provider):
    """`provider(request)` returns a list of Waiting for the request's member, in a fixed
    number of queries whatever the number of rows."""
    if provider not in WAITING_PROVIDERS:
        WAITING_PROVIDERS.append(provider)


def waiting_items(request):
    """What waits on the request's member, from every app; kinds with nothing waiting are left out."""
    return [item for provider in WAITING_PROVIDERS for item in provider(request) if item.count]


def register_demo_seeder(seeder):
    """`seeder(tenant, people)` fills a demo tenant; `people` maps role to the demo user."""
    if seeder not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(seeder)


def register_deadline_provider(provider):
    """`provider(tenant, settings, today)` yields coop.reminders.Due items that are due today or
    overdue. Called by the deadline scan inside the tenant's scope."""
    if provider not in DEADLINE_PROVIDERS:
        DEADLINE_PROVIDERS.append(provider)


def register_export_table(table):
    """`table` has code, label, header() and rows(queryset) and a `model` (tenant-owned)."""
    EXPORT_TABLES[table.code] = table


SUMMARY_SECTIONS = []


def register_summary_section(provider):
    """`provider(scope)` returns a list of coop.summary.Section for a term summary."""
    if provider not in SUMMARY_SECTIONS:
        SUMMARY_SECTIONS.append(provider)


def register_history(*, labels=None, texts=None, value_labels=None):
    """`labels` maps a full action code ("agreement.created") to its lazy label; `texts` maps an
    action code to a lazy format string over the entry's values ("Version %(number)s ...");
    `value_labels` maps a value name to {code: lazy label} (a party, a link's purpose)."""
    HISTORY_LABELS.update(labels or {})
    HISTORY_TEXTS.update(texts or {})
    for name, labels_of_name in (value_labels or {}).items():
        HISTORY_VALUE_LABELS.setdefault(name, {}).update(labels_of_name)


# Sweepers (coop.sweeper): `sweeper(tenant)` queues again the tenant's unfinished work and
# returns {what: how many}. Called every minute inside the tenant's scope.
SWEEPERS = []


def register_sweeper(sweeper):
    if sweeper not in SWEEPERS:
        SWEEPERS.append(sweeper)


# The start page (coop:home) beside the institution picker: places a person reaches outside any
# institution (a consortium's pages). `provider(request)` returns a list of (label, url).
HOME_LINK_PROVIDERS = []


def register_home_links(provider):
    if provider not in HOME_LINK_PROVIDERS:
        HOME_LINK_PROVIDERS.append(provider)


def home_links(request):
    return [link for provider in HOME_LINK_PROVIDERS for link in provider(request)]


@dataclass(frozen=True)
class GroupFigure:
    """One column of a consortium's shared figures that an app contributes (a survey's mean
    answer...): only a value and the number of people behind it per member tenant, never a row
    per person. `kind` is "count" (totals add up) or "average" (totals weigh by `n`)."""

    key: str
    label: object
    kind: str
    by_tenant: dict  # tenant id -> (value, n)


# `provider(*, program_ids, starts_on, ends_on)` returns a list of GroupFigure over the
# placements of the adopted programs (`program_ids`: a subquery of placements.Program ids, every
# member's) that start in the period. It runs inside the consortium's aggregate bypass
# (coop.rls "consortium-aggregates"): a fixed number of GROUP BY queries, whatever the members.
CONSORTIUM_FIGURE_PROVIDERS = []


def register_consortium_figures(provider):
    if provider not in CONSORTIUM_FIGURE_PROVIDERS:
        CONSORTIUM_FIGURE_PROVIDERS.append(provider)
