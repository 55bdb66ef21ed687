from django.db import migrations

from compagnon.members.sectors import SECTORS


def seed(apps, schema_editor):
    Sector = apps.get_model("members", "Sector")
    for slug, label_fr, label_en, synonyms in SECTORS:
        Sector.objects.get_or_create(
            slug=slug, defaults={"label_fr": label_fr, "label_en": label_en, "synonyms": synonyms}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0006_sector")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
