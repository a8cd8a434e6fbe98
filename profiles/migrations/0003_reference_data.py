"""Starting skills, categories, industries and languages for every install.

Uses the historical models from `apps` (never the current ones) with the lists
in `profiles.reference_data`; existing rows are left as they are.
"""

from typing import Any

from django.db import migrations

from profiles.reference_data import load


def load_reference_data(apps: Any, schema_editor: Any) -> None:
    load(
        language_model=apps.get_model("profiles", "Language"),
        industry_model=apps.get_model("profiles", "Industry"),
        category_model=apps.get_model("profiles", "SkillCategory"),
        skill_model=apps.get_model("profiles", "Skill"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0002_profiles_goals_persona_availability"),
    ]

    operations = [
        migrations.RunPython(load_reference_data, migrations.RunPython.noop, elidable=False),
    ]
