"""Every HTML page carries a Content-Security-Policy that allows this site's own script and style
files only (Django's ContentSecurityPolicyMiddleware, SECURE_CSP in coop/settings.py), and no
served template needs it loosened: no inline script, style block, style attribute or on* handler.
Templates rendered only into PDFs by WeasyPrint are not pages and keep their styles."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from coop.models import Role

ROOT = Path(__file__).resolve().parents[2]
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    ["coop:dashboard", "placements:theme_list", "placements:partner_list", "reports:overview", "rubrics:rubric_list"],
)
def test_every_app_page_has_the_policy(client, tenant, members, page):
    client.force_login(members[Role.STAFF])
    response = client.get(reverse(page, kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/no-such-page/"])
def test_anonymous_and_error_pages_have_the_policy(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert response["Content-Security-Policy"] == POLICY


# --- the templates the policy relies on -----------------------------------------------------------

# Rendered by WeasyPrint into PDFs (coop/pdf.py), never served as a page; emails are text.
NOT_PAGES = ("templates/placements/pdf/", "templates/coop/summary_pdf.html", "templates/emails/")
INLINE = {
    "style block": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=[\"']application/json)[^>]*>", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: link": re.compile(r"javascript:", re.I),
    "htmx inline handler": re.compile(r"\shx-on[:-]", re.I),
}


def _offences(root, paths):
    found = []
    for path in paths:
        name = str(path.relative_to(root))
        if name.startswith(NOT_PAGES):
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{name}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
    return sorted(found)


def test_no_served_template_needs_inline_script_or_style():
    assert _offences(ROOT, sorted((ROOT / "templates").rglob("*.html"))) == []


@pytest.mark.parametrize(
    ("planted", "what"),
    [
        ("<style>p { color: red }</style>", "style block"),
        ('<p style="color: red">x</p>', "style attribute"),
        ("<script>alert(1)</script>", "inline script"),
        ('<button onclick="window.print()">x</button>', "event handler"),
        ('<a href="javascript:void(0)">x</a>', "javascript: link"),
        ('<div hx-on:click="go()"></div>', "htmx inline handler"),
    ],
)
def test_the_rule_catches_a_planted_inline(tmp_path, planted, what):
    page = tmp_path / "templates" / "reports" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'{{% load static %}}<script src="/static/x.js" defer></script>{planted}', encoding="utf-8")
    pdf = tmp_path / "templates" / "placements" / "pdf" / "agreement.html"
    pdf.parent.mkdir(parents=True)
    pdf.write_text(planted, encoding="utf-8")
    assert _offences(tmp_path, [page, pdf]) == [f"templates/reports/page.html: {what}"]
