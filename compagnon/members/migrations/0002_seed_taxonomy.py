from django.db import migrations

from compagnon.members.taxonomy import TAXONOMY


def seed(apps, schema_editor):
    Tag = apps.get_model("members", "Tag")
    by_slug = {}
    for slug, label_fr, label_en, synonyms, _parent in TAXONOMY:
        tag, _ = Tag.objects.get_or_create(
            slug=slug, defaults={"label_fr": label_fr, "label_en": label_en, "synonyms": synonyms}
        )
        by_slug[slug] = tag
    for slug, *_rest, parent in TAXONOMY:
        if parent and by_slug[slug].parent_id is None:
            by_slug[slug].parent = by_slug[parent]
            by_slug[slug].save(update_fields=["parent"])


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
