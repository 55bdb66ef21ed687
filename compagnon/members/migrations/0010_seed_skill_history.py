"""Today's profile levels become the first point of each skill's history."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    Skill = apps.get_model("members", "Skill")
    SkillLevelChange = apps.get_model("members", "SkillLevelChange")
    now = timezone.now()
    have = set(SkillLevelChange.objects.values_list("person_id", "tag_id"))
    batch = []
    for person_id, tag_id, level in Skill.objects.values_list("person_id", "tag_id", "level"):
        if (person_id, tag_id) in have:
            continue
        batch.append(
            SkillLevelChange(
                person_id=person_id, tag_id=tag_id, previous_level=None, level=level,
                source="initial", changed_at=now,
            )
        )
        if len(batch) >= 1000:
            SkillLevelChange.objects.bulk_create(batch)
            batch = []
    SkillLevelChange.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("members", "0009_skill_level_change")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
