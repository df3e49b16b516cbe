"""Who may open a page is declared once, on its view (@require_role); navigation and the
links and buttons pages show are derived from that, never from role names in templates."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coop.access import may_open, view_roles
from coop.models import Role
from coop.registry import NAV_ITEMS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ROLE_COMPARISON = re.compile(r"role\s*(==|!=|\bin\b|\bnot in\b)\s*[\"'(]")


def _comparisons(paths):
    return sorted(
        f"{path.relative_to(path.parents[1])}:{n}"
        for path in paths
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ROLE_COMPARISON.search(line)
    )


def test_templates_compare_no_role_names():
    assert _comparisons(sorted(TEMPLATES.rglob("*.html"))) == []


def test_the_rule_catches_a_planted_comparison(tmp_path):
    page = tmp_path / "placements" / "page.html"
    page.parent.mkdir()
    page.write_text('{% if current_role == "staff" %}<a>Edit</a>{% endif %}\n', encoding="utf-8")
    assert _comparisons([page]) == ["placements/page.html:1"]


def test_every_navigation_entry_takes_its_roles_from_its_view():
    for item in NAV_ITEMS:
        assert view_roles(item.url_name), item.url_name


class _Membership:
    def __init__(self, role):
        self.role = role


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, True), (Role.STAFF, True), (Role.FACULTY, False), (Role.PARTNER, False), (Role.STUDENT, False)],
)
def test_may_open_follows_the_views_declared_roles(role, expected):
    request = RequestFactory().get("/")
    request.membership = _Membership(role)
    assert may_open(request, "placements:theme_create") is expected


def test_a_view_without_declared_roles_cannot_be_asked_about():
    with pytest.raises(LookupError, match="coop:home declares no roles"):
        view_roles("coop:home")


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [(Role.STAFF, True), (Role.FACULTY, False), (Role.STUDENT, False)])
def test_theme_list_offers_new_theme_to_whom_may_create_one(client, tenant, members, role, shown):
    client.force_login(members[role])
    page = client.get(reverse("placements:theme_list", kwargs={"tenant_slug": tenant.slug})).text
    create = reverse("placements:theme_create", kwargs={"tenant_slug": tenant.slug})
    assert (f'href="{create}"' in page) is shown
