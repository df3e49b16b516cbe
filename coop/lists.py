"""The one list component: search, filters, sorting, paging and "export what I see".

Every list page describes itself with a `ListSpec` and answers with `list_response`. The URL
is the state, so a list is shareable and the back button works:

    ?q=text          search over the names people type (partial match; pg_trgm on PostgreSQL)
    ?page=N          page N, `PER_PAGE` rows a page
    ?sort=f / -f     a whitelisted sort, descending with a minus
    ?program=…       filters, one named GET parameter each
    ?export=csv|xlsx the filtered rows (all pages), through the one spreadsheet writer

Paging reads the page's primary keys with an indexed ORDER BY + LIMIT/OFFSET on the list's
own table, then loads only those rows with their joins and per-row annotations, in one query
(`pk IN (subquery)`). The total is a capped count, so neither a deep page nor the count grows
with the rows joined. A request from htmx (HX-Request) gets only the results partial
(`<template>#results`); the search form pushes its URL into the history.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import exports
from .access import MANAGERS, has_role

PER_PAGE = 50
# Counting stops here: the page shows "10,000+" and links to the pages up to it; beyond, people
# search or filter (no office pages through 200 pages of names).
COUNT_CAP = 10_000
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Filter:
    """A GET parameter that narrows the list. `apply(queryset, value)` filters by a valid value.
    `choices(request)` lists the values a select offers, [(value, label)]; without choices the
    filter is a yes/no box (`value` "1"), or with `by_id` an id given in the URL (a drill-down
    link: "this partner's placements"), shown with `describe(value)` and a link to remove it."""

    name: str
    label: object
    apply: object
    choices: object = None
    by_id: bool = False
    describe: object = None

    def options(self, request):
        return [(str(value), label) for value, label in self.choices(request)] if self.choices else None

    def value(self, request, options):
        raw = request.GET.get(self.name, "").strip()
        if not raw:
            return ""
        if self.by_id:
            return raw if raw.isdigit() and len(raw) < 19 else ""
        if options is None:
            return "1" if raw in ("1", "on", "true") else ""
        return raw if raw in {value for value, _label in options} else ""


def field_filter(name, label, lookup, choices=None, **options):
    """A filter that compares one field (or path) with the chosen value."""
    return Filter(name, label, lambda qs, value: qs.filter(**{lookup: value}), choices, **options)


def link_state_filter(model):
    """The state of an emailed single-use link (coop.tokens.SingleUseLink) as a filter."""

    def apply(qs, value):
        return qs.filter(model.status_q(value))

    return Filter("state", _("Status"), apply, lambda request: model.STATUS_LABELS.items())


@dataclass
class Chosen:
    """A filter as this request uses it: the options offered and the value chosen."""

    filter: Filter
    options: list
    value: str
    description: str = ""
    remove_url: str = ""

    @property
    def option_tags(self):
        """The select's options, built here: a faculty filter offers hundreds of names, and a
        template loop over them costs more than the page's rows."""
        selected = mark_safe(" selected")  # noqa: S308 - a constant attribute
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, selected if v == self.value else "", label) for v, label in self.options),
        )


def search_filter(*paths):
    """`apply` of a search over `paths` (icontains each, OR-ed; pg_trgm indexes serve it on
    PostgreSQL). A path may be a callable(q) returning a Q, for a subquery search."""

    def apply(qs, q):
        condition = Q()
        for path in paths:
            condition |= path(q) if callable(path) else Q(**{f"{path}__icontains": q})
        return qs.filter(condition)

    return apply


@dataclass(frozen=True)
class ListSpec:
    template: str  # the page; its `{% partialdef results %}` is what htmx swaps
    search: object = None  # callable(queryset, q) -> queryset, e.g. search_filter(...)
    filters: tuple = ()
    sorts: dict = field(default_factory=dict)  # name -> (label, order fields ascending)
    default_sort: str = ""  # e.g. "-starts" (a key of sorts, with an optional minus)
    rows: object = None  # callable(queryset) -> the page's queryset with its joins (select_related...)
    export: object = None  # a coop.tables.Table (header(), rows(queryset)) or None
    export_name: str = ""
    per_page: int = PER_PAGE


@dataclass
class Column:
    """A sortable column header: its link and which way it sorts now."""

    label: object
    url: str
    direction: str  # "ascending", "descending" or "" (aria-sort)


@dataclass
class ListPage:
    rows: list
    number: int
    count: int
    capped: bool
    num_pages: int
    query: dict  # the list's current parameters (without page)
    q: str
    sort: str
    filters: list  # Chosen, one per filter
    columns: dict  # sort name -> Column
    can_export: bool
    path: str
    per_page: int

    def url(self, **changes):
        params = {**self.query, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None) and (k, v) != ("page", 1)})

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def previous_url(self):
        return self.url(page=self.number - 1)

    @property
    def next_url(self):
        return self.url(page=self.number + 1)

    @property
    def first_index(self):
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self):
        return (self.number - 1) * self.per_page + len(self.rows)

    @property
    def page_links(self):
        """Page numbers around the current one, with the first and last: [(n, url)], None for a gap."""
        near = {1, self.num_pages, *range(self.number - 2, self.number + 3)}
        links, last = [], 0
        for n in sorted(p for p in near if 1 <= p <= self.num_pages):
            if n > last + 1:
                links.append(None)
            links.append((n, self.url(page=n)))
            last = n
        return links

    def export_url(self, fmt):
        return self.url(export=fmt, page="")

    @property
    def csv_url(self):
        return self.export_url("csv")

    @property
    def xlsx_url(self):
        return self.export_url("xlsx")

    @property
    def filtered(self):
        return bool(self.q or any(chosen.value for chosen in self.filters))


def _ordering(spec, sort):
    name = sort.removeprefix("-")
    fields = spec.sorts[name][1]
    if sort.startswith("-"):
        fields = [f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields]
    tie = "-pk" if sort.startswith("-") else "pk"
    return [*fields, tie]


def page_number(request):
    """The page the request asks for (1 when none or not a number)."""
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def list_filtered(request, queryset, spec):
    """The list's queryset after search and filters, and what was applied."""
    if queryset.query.distinct:  # a visibility rule's DISTINCT: page the rows by primary key
        queryset = queryset.model._default_manager.filter(pk__in=queryset.order_by().values("pk"))
    q = request.GET.get("q", "").strip()[:100]
    if q and spec.search:
        queryset = spec.search(queryset, q)
    chosen = []
    for item in spec.filters:
        options = item.options(request)
        value = item.value(request, options)
        if value:
            queryset = item.apply(queryset, value)
        chosen.append(Chosen(item, options, value))
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") not in spec.sorts:
        sort = spec.default_sort
    if sort:
        queryset = queryset.order_by(*_ordering(spec, sort))
    return queryset, q, chosen, sort


def list_page(request, queryset, spec):
    queryset, q, chosen, sort = list_filtered(request, queryset, spec)
    count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    capped = count > COUNT_CAP
    count = min(count, COUNT_CAP)
    num_pages = max((count + spec.per_page - 1) // spec.per_page, 1)
    number = min(page_number(request), num_pages)
    offset = (number - 1) * spec.per_page
    ids = queryset.values("pk")[offset : offset + spec.per_page]
    page = queryset.model._default_manager.filter(pk__in=ids)
    if spec.rows:
        page = spec.rows(page)
    rows = list(page.order_by(*_ordering(spec, sort)) if sort else page)
    query = {"q": q, **{c.filter.name: c.value for c in chosen}, "sort": sort if sort != spec.default_sort else ""}
    query = {k: v for k, v in query.items() if v}
    for c in chosen:
        if c.filter.by_id and c.value:
            c.description = c.filter.describe(c.value) if c.filter.describe else c.value
            c.remove_url = "?" + urlencode({k: v for k, v in query.items() if k != c.filter.name})
    columns = sort_columns(query, {name: label for name, (label, _fields) in spec.sorts.items()}, sort)
    return ListPage(
        rows=rows,
        number=number,
        count=count,
        capped=capped,
        num_pages=num_pages,
        query=query,
        q=q,
        sort=sort,
        filters=chosen,
        columns=columns,
        can_export=spec.export is not None and has_role(request, MANAGERS),
        path=request.path,
        per_page=spec.per_page,
    )


def sequence_page(request, items, *, query, columns=None, per_page=PER_PAGE):
    """A page of a list computed in Python (compliance groups: aggregates, not rows of a table),
    with the same URL convention, pager and summary as a queryset list. `query` holds the list's
    current parameters (without page); `columns` maps sort names to Column headers."""
    count = len(items)
    num_pages = max((count + per_page - 1) // per_page, 1)
    number = min(page_number(request), num_pages)
    offset = (number - 1) * per_page
    return ListPage(
        rows=items[offset : offset + per_page],
        number=number,
        count=count,
        capped=False,
        num_pages=num_pages,
        query={k: v for k, v in query.items() if v},
        q=query.get("q", ""),
        sort=query.get("sort", ""),
        filters=[],
        columns=columns or {},
        can_export=False,
        path=request.path,
        per_page=per_page,
    )


def sort_columns(query, sorts, sort):
    """Sortable column headers for `sorts` ({name: label}), `sort` being the current one."""
    columns = {}
    for name, label in sorts.items():
        current = sort.removeprefix("-") == name
        descending = sort.startswith("-")
        target = f"-{name}" if current and not descending else name
        direction = ("descending" if descending else "ascending") if current else ""
        params = {k: v for k, v in {**query, "sort": target}.items() if v}
        columns[name] = Column(label, "?" + urlencode(params), direction)
    return columns


def list_export(request, queryset, spec, fmt):
    """The filtered rows, every page, as CSV or XLSX through the one writer (formula cells
    escaped, download logged). Staff and admins only: the exports of the portal are theirs."""
    if spec.export is None or not has_role(request, MANAGERS):
        raise PermissionDenied
    queryset, _q, _chosen, sort = list_filtered(request, queryset, spec)
    if not sort:
        queryset = queryset.order_by("pk")
    name = f"{spec.export_name or spec.export.code}-{request.tenant.slug}"
    export = exports.csv_export if fmt == "csv" else exports.xlsx_export
    return export(
        request,
        name=name,
        header=spec.export.header(),
        rows=spec.export.rows(queryset),
        what=f"list:{spec.export.code}",
    )


def list_response(request, queryset, spec, context=None):
    """The list page, its htmx partial, or its export, as the request asks."""
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        return list_export(request, queryset, spec, fmt)
    page = list_page(request, queryset, spec)
    context = {**(context or {}), "list": page, "rows": page.rows}
    template = spec.template
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#results"
    return render(request, template, context)
