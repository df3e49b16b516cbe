"""The base resource: built for one tenant, bulk writes, no writes in a dry run."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources

from .cells import UPDATE_BATCH_SIZE, TenantForeignKeyWidget


class TenantResource(resources.ModelResource):
    """Base for the tenant imports. Subclasses declare their fields and may add `check_row()`."""

    # Model fields that full_clean() must not check: foreign keys (looked up above, in the tenant;
    # Django would run one query per key and row) and fields the import does not set.
    clean_exclude = ("tenant",)

    def __init__(self, *, tenant, by=None):
        super().__init__()
        self.tenant = tenant
        self.by = by
        self.line_numbers = []
        self.columns = set()
        self.seen = {}

    # Where the rows come from and go.

    def get_queryset(self):
        return self._meta.model.objects.filter(tenant=self.tenant)

    def init_instance(self, row=None):
        return self._meta.model(tenant=self.tenant)

    def line_number(self, row_number):
        """Spreadsheet line of the dataset's 1-based row number."""
        if self.line_numbers and 0 < row_number <= len(self.line_numbers):
            return self.line_numbers[row_number - 1]
        return row_number + 1

    def column_of(self, attribute):
        for field_ in self.fields.values():
            if field_.attribute == attribute:
                return field_.column_name
        return ""

    def lookup_widgets(self):
        return [f for f in self.fields.values() if isinstance(f.widget, TenantForeignKeyWidget)]

    def before_import(self, dataset, **kwargs):
        self.columns = set(dataset.headers or ())
        for field_ in self.lookup_widgets():
            if field_.column_name in self.columns:
                values = {str(value).strip() for value in dataset[field_.column_name] if value is not None}
                field_.widget.prefetch(values)

    # Validation.

    def assign_fields(self, instance, row, **kwargs):
        """Sets the instance's fields from the row (ValidationError listing every bad cell)."""
        resources.ModelResource.import_instance(self, instance, row, **kwargs)

    def snapshot(self, instance):
        """The instance's values of the imported fields (ids for foreign keys: no queries)."""
        values = {}
        for field_ in self.fields.values():
            if field_.attribute:
                attname = instance._meta.get_field(field_.attribute).attname
                values[field_.attribute] = getattr(instance, attname)
        return values

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        before = self.snapshot(instance) if instance.pk else None
        try:
            self.assign_fields(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        key = self.duplicate_key(instance, row)
        if key is not None:
            row_number = kwargs.get("row_number")
            first = self.seen.setdefault(key, row_number)
            if first != row_number:
                errors.setdefault(self.fields[self._meta.import_id_fields[0]].attribute, []).append(
                    _("The same row already appears at row %(row)s of the file.") % {"row": self.line_number(first)}
                )
        for attribute, message in self.check_row(instance, row, errors, **kwargs).items():
            errors.setdefault(attribute, []).append(message)
        if before is not None:
            after = self.snapshot(instance)
            instance._import_changed = {name for name, value in before.items() if after[name] != value}
        if errors:
            raise ValidationError(errors)

    def duplicate_key(self, instance, row):
        """What makes two rows of the file the same row (None: not known)."""
        return None

    def check_row(self, instance, row, errors, **kwargs):
        """Extra checks across columns: {attribute: message}."""
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # Uniqueness is checked against the preloaded rows and the rest of the file instead,
            # without a query per row.
            instance.full_clean(
                exclude={*errors, *self.clean_exclude}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # Writing: bulk, and nothing at all in a dry run.

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing row whose values the file does not change is "unchanged" and not written."""
        if import_validation_errors or instance.pk is None:
            return False
        return not getattr(instance, "_import_changed", True)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Updates only the fields that some row of the batch changes."""
        try:
            changed = sorted(set().union(*(instance._import_changed for instance in self.update_instances)))
            if self.update_instances and changed and not dry_run:
                self._meta.model.objects.bulk_update(self.update_instances, changed, batch_size=UPDATE_BATCH_SIZE)
        except Exception as error:  # noqa: BLE001 - reported as a file-level error, the import rolls back
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource.after_import: it resets the id sequence to max(id), which races with
        # concurrent inserts on PostgreSQL. Imports never set ids, so the sequence is right already.
        pass
