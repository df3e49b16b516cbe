from django.db import migrations

from coop.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0007_trigram_search"),
        ("placements", "0003_placement_state_label"),
    ]

    operations = [
        trigram_indexes("placements_partner", ["name", "name_kana"]),
        trigram_indexes("placements_theme", ["title"]),
    ]
