from django.db import migrations

from coop.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0009_trigram_search"),
        ("placements", "0005_agreement_in_force_version"),
    ]

    operations = [
        trigram_indexes("placements_partner", ["name", "name_kana"]),
        trigram_indexes("placements_theme", ["title"]),
    ]
