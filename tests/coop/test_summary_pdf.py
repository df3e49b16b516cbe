"""The term summary PDF keeps a wide table readable: the rubric-change section has seven columns,
and each header stays whole words on a line or two (the stylesheet gave every header 28% of the
page, so the last columns were squeezed to one character a line)."""

import datetime
import shutil
import subprocess

import pytest

from coop.summary import Scope, Section, summary_pdf

from ..factories import TermFactory

COLUMNS = [
    "評価項目",
    "自己評価：事前平均",
    "自己評価：事後平均",
    "自己評価：平均の変化",
    "事前・事後とも評価した学生数",
    "企業：平均の変化",
    "教員：平均の変化",
]


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_last_table_of_the_summary_has_readable_columns(tmp_path):
    term = TermFactory()
    scope = Scope(tenant=term.tenant, program=term.program, term=term)
    rows = [[name, 1.5, 3.0, 1.5, 2, 1.5, 1.5] for name in ("異文化受容性", "現状認識力", "実践力")]
    sections = [
        Section(key="counts", title="学生と連携先", columns=["内容", "数"], rows=[["就業した学生", 2]]),
        Section(key="rubric", title="ルーブリックの変化", columns=COLUMNS, rows=rows),
    ]
    pdf = summary_pdf(scope, sections, generated_at=datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC))
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # Each of the last headers keeps at least six characters together on a line.
    for piece in ("企業：平均の", "教員：平均の", "自己評価：事"):
        assert piece in text
    # One row of figures reads across on one line, left to right.
    [line] = [line for line in text.splitlines() if "異文化受容性" in line]
    assert line.split() == ["異文化受容性", "1.5", "3.0", "1.5", "2", "1.5", "1.5"]
