"""PDFs: the url fetcher serves the project's static files and nothing else; agreements render
Japanese as real glyphs of an embedded IPA font; the standard agreement runs to three pages."""

import datetime
import re
import subprocess

import pytest
from django_scopes import scopes_disabled
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from coop.models import Role
from coop.pdf import STATIC_DIR, ResourceRefused, StaticOnlyFetcher, static_base_url, static_path_for_url
from placements.models import Agreement, AgreementVersion, Partner, Program
from placements.services import agreements as services
from placements.services import documents

from ..factories import (
    ApplicationFactory,
    PartnerFactory,
    PractitionerFacultyFactory,
    ProgramFactory,
    ThemeFactory,
    member,
)

PDF_CSS = STATIC_DIR / "css" / "pdf.css"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://example.com/font.woff2",
        "//example.com/style.css",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        "file://otherhost/static/css/pdf.css",
        f"{static_base_url()}../coop/settings.py",
        f"{static_base_url()}css/../../coop/settings.py",
        "/static/../coop/settings.py",
        "/static/%2e%2e/coop/settings.py",
        "/etc/passwd",
        "data:text/css,body{color:red}",
        f"{static_base_url()}css/",  # a directory, not a file
        f"{static_base_url()}css/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_anything_outside_the_static_files(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher().fetch(url)


@pytest.mark.parametrize("url", ["/static/css/pdf.css", "css/pdf.css", PDF_CSS.resolve().as_uri()])
def test_the_fetcher_serves_the_pdf_stylesheet(url):
    if not url.startswith(("/", "file:")):
        url = static_base_url() + url
    response = StaticOnlyFetcher().fetch(url)
    assert response.read() == PDF_CSS.read_bytes()
    assert response.content_type == "text/css"
    assert static_path_for_url(url) == PDF_CSS.resolve()


def test_a_refused_resource_stops_the_rendering():
    html = HTML(
        string='<link rel="stylesheet" href="http://example.com/x.css"><p>x</p>',
        base_url=static_base_url(),
        url_fetcher=StaticOnlyFetcher(),
    )
    with pytest.raises(FatalURLFetchingError) as stopped:
        html.write_pdf()
    # Stopped by our fetcher's refusal, not by a network failure.
    assert isinstance(stopped.value.__cause__, ResourceRefused)
    assert str(stopped.value.__cause__) == "Refused a http URL in a PDF: http://example.com/x.css"


def test_the_stylesheet_uses_ipa_fonts_and_never_noto_cjk():
    css = PDF_CSS.read_text()
    families = re.findall(r"font-family:([^;]+);", css)
    assert families and all('"IPAGothic"' in f or '"IPAMincho"' in f for f in families)
    assert not any("noto" in f.lower() for f in families)
    assert 'counter(page) " / " counter(pages)' in css
    assert "size: A4" in css


def _fonts(path):
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def _text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.fixture
def staff(tenant):
    return member(tenant, Role.STAFF)


def _render(tenant, staff, kind, tmp_path, **theme_fields):
    theme = ThemeFactory(
        **theme_fields,
        tenant=tenant,
        title="工場で働く従業員の幸福度を向上させるための測定解析技術の検討",
        practitioner=None,
        pay="時給 1,200円",
        place="石川県金沢市",
    )
    with scopes_disabled():
        theme.practitioner = PractitionerFacultyFactory(contact__partner=theme.partner, title="技術部長")
        theme.save()
        application = ApplicationFactory(theme=theme) if kind == Agreement.Kind.STUDENT_PLEDGE else None
        agreement = services.agreement_create(
            tenant=tenant,
            kind=kind,
            partner=theme.partner,
            theme=theme,
            application=application,
            title="",
            by=staff,
            valid_from=datetime.date(2026, 9, 1),
            valid_until=datetime.date(2027, 3, 31),
            terms="学生の就業は週4日（月曜日から木曜日）とする。",
        )
        version = services.agreement_issue(agreement=agreement, by=staff)
        data = documents.agreement_version_pdf_bytes(AgreementVersion.objects.get(pk=version.pk))
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(data)
    return agreement, path


@pytest.mark.django_db
def test_the_standard_agreement_has_japanese_glyphs_and_three_pages(tenant, staff, tmp_path):
    agreement, path = _render(tenant, staff, Agreement.Kind.AGREEMENT, tmp_path)
    fonts = _fonts(path)
    assert "IPAMincho" in fonts or "IPAGothic" in fonts, fonts
    assert "Noto" not in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # embedded
    text = _text(path)
    assert "コーオプ教育協定書" in re.sub(r"\s", "", text)
    assert agreement.partner.name in text
    assert "第1条（目的）" in text and "秘密保持" in text
    assert "2026年9月1日から2027年3月31日まで" in text
    assert "学生の就業は週4日" in text
    assert re.search(r"^\s*1 / \d\s*$", text, re.M), "page numbers n / N"
    assert 3 <= _pages(path) <= 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (Agreement.Kind.IMPLEMENTATION_PLAN, "コーオプ教育実施計画書"),
        (Agreement.Kind.COURSE_MEMORANDUM, "寄附講座実施覚書"),
        (Agreement.Kind.STUDENT_PLEDGE, "実施誓約書"),
    ],
)
def test_every_kind_renders_its_japanese_title(tenant, staff, tmp_path, kind, title):
    _agreement, path = _render(tenant, staff, kind, tmp_path)
    assert "IPA" in _fonts(path)
    assert title in re.sub(r"\s", "", _text(path))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [Agreement.Kind.AGREEMENT, Agreement.Kind.STUDENT_PLEDGE])
def test_documents_of_an_exchange_with_a_partner_university_use_its_words(tenant, staff, tmp_path, kind):
    """Issue 11 item 10: a pledge for a partner university said 貴社 and コーオプ教育プログラム."""
    agreement, path = _render(
        tenant,
        staff,
        kind,
        tmp_path,
        program=ProgramFactory(tenant=tenant, kind=Program.Kind.EXCHANGE, name="ロシアの大学との学生交流"),
        partner=PartnerFactory(tenant=tenant, kind=Partner.Kind.UNIVERSITY),
    )
    text = re.sub(r"\s", "", _text(path))
    assert "貴社" not in text and "コーオプ" not in text
    assert "学生交流" in text
    if kind == Agreement.Kind.STUDENT_PLEDGE:
        assert "学生交流プログラムにより" in text and "（以下「貴学」という。）" in text
    else:
        assert agreement.title == "学生交流協定書"
