"""Genuine small files of each type an upload may have, and the attacks the upload rule refuses
(coop/uploads.py). Built here, not shipped as binaries, so each one's make-up is readable."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _image(fmt):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


def _ooxml(main_part, content_type):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships/>')
        archive.writestr(main_part, '<?xml version="1.0" encoding="UTF-8"?><document/>')
    return out.getvalue()


DOCX = _ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


def _xlsx():
    # Import inside: openpyxl comes with django-import-export; only this sample needs it.
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "実習日数"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = _xlsx()

GENUINE = {"report.pdf": PDF, "photo.png": PNG, "scan.jpg": JPEG, "plan.docx": DOCX, "hours.xlsx": XLSX}

SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
POLYGLOT = PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n")
HTML_THEN_PDF = b"<html><script>alert(1)</script></html>\n" + PDF
TEXT = b"this is not an image, only text pretending to be one\n"


# The refusals, in the portal's language.
NOT_ALLOWED = "ファイルの内容が許可された形式ではありません。許可されている形式："
NOT_A_DOCUMENT = NOT_ALLOWED + "PDF、PNG、JPEG、Word、Excel、PowerPoint。"
NOT_A_SCAN = NOT_ALLOWED + "PDF、PNG、JPEG。"


def upload(name, content):
    """A file as the browser sends it: the name and type it claims, whatever it holds."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
