"""What a file upload may be: one home for the rule, used by every form field that takes a file.

The content decides, not the name: libmagic (python-magic over Debian's libmagic1) reads the first
bytes and names the type; the type must be one the field allows, the file must start with that
type's own signature (no HTML in front of a `%PDF`), the name must end in one of the type's
extensions, and the part a browser sniffs must hold no markup (no PDF/HTML or PNG/HTML polyglots).
Files are still served only as attachments with `nosniff` (coop/downloads.py)."""

import re
from dataclasses import dataclass
from pathlib import Path

import magic
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

MB = 1024 * 1024
# libmagic needs a few kB to tell an Office document from a plain ZIP archive.
SNIFF_BYTES = 8192
# Browsers sniff the first 512 bytes for HTML, PDF readers look for %PDF in the first 1024.
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|style|a\s|img\s)", re.I)


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple
    signature: bytes


PDF = {"application/pdf": FileType("PDF", (".pdf",), b"%PDF-")}
IMAGES = {
    "image/png": FileType("PNG", (".png",), b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": FileType("JPEG", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
}
_OOXML = "application/vnd.openxmlformats-officedocument."
OFFICE = {
    _OOXML + "wordprocessingml.document": FileType("Word", (".docx",), b"PK\x03\x04"),
    _OOXML + "spreadsheetml.sheet": FileType("Excel", (".xlsx",), b"PK\x03\x04"),
    _OOXML + "presentationml.presentation": FileType("PowerPoint", (".pptx",), b"PK\x03\x04"),
}


@dataclass(frozen=True)
class UploadRule:
    """The types one kind of upload may have, and its size limit."""

    types: dict
    max_bytes: int

    @property
    def allowed(self):
        return pgettext("list separator", ", ").join(dict.fromkeys(kind.label for kind in self.types.values()))

    @property
    def accept(self):
        return ",".join(ext for kind in self.types.values() for ext in kind.extensions)

    def __call__(self, file):
        if not isinstance(file, UploadedFile):
            return  # a file stored earlier, kept as it is
        if file.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."), code="too_large", params={"size": self.max_bytes // MB}
            )
        head = _head(file)
        mime = magic.from_buffer(head, mime=True)
        kind = self.types.get(mime)
        if kind is None or not head.startswith(kind.signature):
            raise forms.ValidationError(
                _("The content of this file is not an allowed type. Allowed: %(allowed)s."),
                code="type",
                params={"allowed": self.allowed},
            )
        if MARKUP.search(head[:1024]):
            raise forms.ValidationError(_("This file contains web page code and cannot be accepted."), code="markup")
        extension = Path(file.name or "").suffix.lower()
        if extension not in kind.extensions:
            raise forms.ValidationError(
                _("The file name ends in “%(extension)s” but the file is a %(kind)s file."),
                code="extension",
                params={"extension": extension or "-", "kind": kind.label},
            )


def _head(file):
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    return head


# A SAML identity provider's metadata (coop.saml): XML, parsed and never served.
XML = {
    "text/xml": FileType("XML", (".xml",), b"<"),
    "application/xml": FileType("XML", (".xml",), b"<"),
}
SAML_METADATA = UploadRule(types=XML, max_bytes=2 * MB)

# A signed agreement scanned or photographed.
SCAN = UploadRule(types={**PDF, **IMAGES}, max_bytes=20 * MB)
# What a student hands in: application attachments, pre-assignment submissions, final report files.
DOCUMENT = UploadRule(types={**PDF, **IMAGES, **OFFICE}, max_bytes=10 * MB)
# What a visitor without an account attaches to an entry from the public project index.
ENTRY = UploadRule(types={**PDF, **IMAGES, **OFFICE}, max_bytes=5 * MB)


class UploadField(forms.FileField):
    """A file field that checks its upload against one rule; the file picker offers its types."""

    def __init__(self, *args, rule, **kwargs):
        self.rule = rule
        kwargs.setdefault("widget", forms.ClearableFileInput)
        super().__init__(*args, **kwargs)
        self.validators.append(rule)
        self.widget.attrs.setdefault("accept", rule.accept)
