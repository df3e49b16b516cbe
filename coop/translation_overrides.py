"""Django's own Japanese for the form errors that Django REST framework's catalogue also
translates (with other words). An app's catalogue outranks Django's, so the API app would change
every form's "このフィールドは必須です。" to "この項目は必須です。"; the project's catalogue
(LOCALE_PATHS) outranks both, and these entries keep Django's wording everywhere."""

from django.utils.translation import gettext_noop

DJANGO_WORDING = [
    gettext_noop("Enter a valid URL."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("This field is required."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop("Value must be valid JSON."),
]
