"""Uploads are judged by their content (coop/uploads.py): each field allows only the types it
needs, and the attacks seen in the hardening issue (SVG with script, HTML named .pdf, a Windows
program, PDF/HTML polyglots, text named .png) are refused with a message that says why."""

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms

from coop.uploads import DOCUMENT, SCAN, UploadField
from tests import files
from tests.files import upload

from ..project import APPS

TYPE_DOCUMENT = files.NOT_A_DOCUMENT
TYPE_SCAN = files.NOT_A_SCAN
MARKUP = "ウェブページのコードを含むファイルは受け付けられません。"


def refusal(rule, name, content):
    field = UploadField(rule=rule)
    with pytest.raises(forms.ValidationError) as error:
        field.clean(upload(name, content))
    return error.value.messages


@pytest.mark.parametrize("rule", [DOCUMENT, SCAN], ids=["document", "scan"])
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", files.SVG_SCRIPT),
        ("report.pdf", files.HTML),
        ("setup.exe", files.EXE),
        ("report.pdf", files.EXE),
        ("photo.png", files.TEXT),
        ("report.pdf", files.HTML_THEN_PDF),
    ],
    ids=["svg-with-script", "html-named-pdf", "exe", "exe-named-pdf", "text-named-png", "html-before-pdf"],
)
def test_attacks_are_refused_by_their_content(rule, name, content):
    expected = TYPE_DOCUMENT if rule is DOCUMENT else TYPE_SCAN
    assert refusal(rule, name, content) == [expected]


@pytest.mark.parametrize("rule", [DOCUMENT, SCAN], ids=["document", "scan"])
def test_a_pdf_html_polyglot_is_refused(rule):
    assert refusal(rule, "report.pdf", files.POLYGLOT) == [MARKUP]


def test_a_name_that_lies_about_a_genuine_type_is_refused():
    assert refusal(DOCUMENT, "report.pdf", files.PNG) == [
        "ファイル名の拡張子（.pdf）がファイルの内容（PNG）と一致しません。"
    ]


def test_office_documents_are_not_scans():
    assert refusal(SCAN, "plan.docx", files.DOCX) == [TYPE_SCAN]


def test_too_large_is_refused_before_it_is_read():
    assert refusal(SCAN, "scan.pdf", files.PDF + b"0" * (20 * 1024 * 1024)) == ["ファイルが20MBを超えています。"]
    assert refusal(DOCUMENT, "a.pdf", files.PDF + b"0" * (10 * 1024 * 1024)) == ["ファイルが10MBを超えています。"]


@pytest.mark.parametrize(("name", "content"), list(files.GENUINE.items()), ids=list(files.GENUINE))
def test_genuine_documents_are_accepted(name, content):
    uploaded = upload(name, content)
    assert UploadField(rule=DOCUMENT).clean(uploaded) is uploaded
    assert uploaded.read() == content  # the sniffing left the file at its start


@pytest.mark.parametrize("name", ["report.pdf", "photo.png", "scan.jpg"])
def test_genuine_scans_are_accepted(name):
    uploaded = upload(name, files.GENUINE[name])
    assert UploadField(rule=SCAN).clean(uploaded) is uploaded


def test_the_file_picker_offers_the_allowed_types():
    assert UploadField(rule=SCAN).widget.attrs["accept"] == ".pdf,.png,.jpg,.jpeg"


# --- one home: every form field that takes a file checks it here ---------------------------------

ROOT = Path(__file__).resolve().parents[2]
# Every forms module of every app, found on disk so a new one is not forgotten.
FORM_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for app in APPS
    for path in [*(ROOT / app).glob("forms.py"), *(ROOT / app).glob("forms/*.py")]
    if path.name != "__init__.py"
)
# File fields with a check of their own, and why.
OWN_CHECK = {
    "placements.forms.imports.ImportUploadForm.file": "a spreadsheet: parsed row by row by coop/spreadsheets.py",
}


def file_fields():
    found = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module_name:
                for field_name, field in form.base_fields.items():
                    if isinstance(field, forms.FileField):
                        found.append((f"{module_name}.{name}.{field_name}", field))
    return found


def test_every_upload_field_uses_the_upload_rule():
    fields = dict(file_fields())
    assert {"placements.forms.selection.ApplicationForm.file", "reports.forms.FinalReportForm.files"} <= set(fields)
    unchecked = [name for name, field in fields.items() if not isinstance(field, UploadField) and name not in OWN_CHECK]
    assert unchecked == []
