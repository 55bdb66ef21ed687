"""The starting bilingual vocabulary (compagnon/matching/vocabulary.py) for the tags that exist."""

from django.db import migrations


def forwards(apps, schema_editor):
    from compagnon.matching.vocabulary import vocabulary_rows

    Tag = apps.get_model("members", "Tag")
    Vocabulary = apps.get_model("matching", "Vocabulary")
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    for slug, sub_area, terms_fr, terms_en in vocabulary_rows():
        tag = tags.get(slug)
        if tag is not None:
            Vocabulary.objects.get_or_create(
                tag=tag, sub_area=sub_area, defaults={"terms_fr": terms_fr, "terms_en": terms_en}
            )


def backwards(apps, schema_editor):
    apps.get_model("matching", "Vocabulary").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("members", "0002_seed_taxonomy"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
