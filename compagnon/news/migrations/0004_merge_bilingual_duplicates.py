"""A tag or an author written in both languages becomes one record with two labels.

« workshops » is merged into « ateliers » (its posts move over, the English name is kept
as name_en), « Club staff » into « Équipe du club ». Where only the English one exists, it
gets its French name. Run twice, it finds nothing more to do.
"""

from django.db import migrations
from django.utils.text import slugify

from compagnon.news.labels import AUTHOR_PAIRS, TAG_PAIRS


def _merge(model, pairs, max_length):
    Post = model._meta.apps.get_model("news", "Post")
    relation = "tags" if model.__name__ == "PostTag" else "authors"
    for french, english in pairs:
        fr = model.objects.filter(slug=slugify(french)[:max_length]).first()
        en = model.objects.filter(slug=slugify(english)[:max_length]).first()
        if fr is None and en is None:
            continue
        if fr is None:
            en.name, en.name_en = french, english
            en.save(update_fields=["name", "name_en"])
            continue
        if en is not None and en.pk != fr.pk:
            for post in Post.objects.filter(**{relation: en}):
                getattr(post, relation).remove(en)
                getattr(post, relation).add(fr)
            for field in ("title", "url", "image_url"):
                if hasattr(fr, field) and not getattr(fr, field) and getattr(en, field):
                    setattr(fr, field, getattr(en, field))
            en.delete()
        if not fr.name_en:
            fr.name_en = english
        fr.save()


def merge(apps, schema_editor):
    _merge(apps.get_model("news", "PostTag"), TAG_PAIRS, 80)
    _merge(apps.get_model("news", "Author"), AUTHOR_PAIRS, 120)


class Migration(migrations.Migration):
    dependencies = [("news", "0003_bilingual_labels")]
    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
