from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from coop.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("coop", "0008_membership_kana_number")]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; nothing on SQLite
        trigram_indexes("coop_user", ["full_name", "email"]),
        trigram_indexes("coop_membership", ["name_kana", "student_number"]),
    ]
