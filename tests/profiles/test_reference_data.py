"""The skills, categories, industries and languages every install starts with."""

from __future__ import annotations

import importlib

from django.apps import apps

from profiles.models import Industry, Language, Skill, SkillCategory
from profiles.reference_data import INDUSTRIES, LANGUAGES, SKILLS, load_reference_data


def _counts() -> tuple[int, int, int, int]:
    return (
        Skill.objects.count(),
        SkillCategory.objects.count(),
        Industry.objects.count(),
        Language.objects.count(),
    )


def test_the_lists_are_big_enough_and_well_formed():
    names = [name for names in SKILLS.values() for name in names]
    assert len(names) >= 60
    assert len(SKILLS) >= 8
    assert len({name.lower() for name in names}) == len(names)
    assert len(set(INDUSTRIES)) == len(INDUSTRIES) >= 20
    codes = [code for code, _ in LANGUAGES]
    assert len(set(codes)) == len(codes) >= 25
    assert all(len(code) == 2 and code.islower() for code in codes)
    assert {("en", "English"), ("zh", "Mandarin Chinese"), ("sw", "Swahili")} <= set(LANGUAGES)


def test_loading_twice_changes_nothing(db):
    load_reference_data()
    first = _counts()
    rows = list(Skill.objects.order_by("pk").values_list("pk", "name", "category__name"))

    load_reference_data()

    assert _counts() == first
    assert list(Skill.objects.order_by("pk").values_list("pk", "name", "category__name")) == rows
    skills, categories, industries, languages = first
    assert skills >= 60
    assert categories >= 8
    assert industries >= 20
    assert languages >= 25
    assert Skill.objects.get(name="Python").category.name == "Engineering"
    assert Language.objects.get(code="ja").name == "Japanese"


def test_loading_keeps_what_an_admin_changed(db):
    engineering = SkillCategory.objects.create(name="Engineering")
    Skill.objects.create(name="python", category=engineering)  # renamed by an admin
    Language.objects.create(code="zh", name="Chinese (Mandarin)")

    load_reference_data()

    assert Skill.objects.filter(name__iexact="python").count() == 1
    assert Language.objects.get(code="zh").name == "Chinese (Mandarin)"


def test_the_data_migration_loads_the_same_lists(db):
    migration = importlib.import_module("profiles.migrations.0003_reference_data")

    migration.load_reference_data(apps, None)
    first = _counts()
    migration.load_reference_data(apps, None)

    assert _counts() == first
    assert first[0] == sum(len(names) for names in SKILLS.values())
    assert first[3] == len(LANGUAGES)
