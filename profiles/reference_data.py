"""The lists every install starts with: skills in categories, industries, languages.

Admins manage them in Django admin afterwards. Loading is idempotent and never
changes a row that exists (an admin may have renamed or recategorised it): rows
are matched by their unique name or code and conflicts are skipped.

The data migration `0003_reference_data` loads the same lists through the
historical models; `load_reference_data()` does it with the current ones (used
by `seed_demo`, so a test database without migrations gets them too).
"""

from __future__ import annotations

from typing import Any

SKILLS: dict[str, tuple[str, ...]] = {
    "Engineering": (
        "Python",
        "JavaScript",
        "TypeScript",
        "Go",
        "Java",
        "SQL",
        "System design",
        "API design",
        "Cloud infrastructure",
        "DevOps",
        "Testing",
        "Security",
        "Mobile development",
        "Code review",
    ),
    "Product": (
        "Product discovery",
        "Roadmapping",
        "User research",
        "Product analytics",
        "Prioritisation",
        "Product strategy",
        "Writing specs",
        "Go-to-market",
    ),
    "Design": (
        "UX design",
        "UI design",
        "Interaction design",
        "Design systems",
        "Prototyping",
        "Accessibility",
        "Visual design",
        "Usability testing",
    ),
    "Data": (
        "Data analysis",
        "Statistics",
        "Machine learning",
        "Data engineering",
        "Data visualisation",
        "A/B testing",
        "Spreadsheet modelling",
    ),
    "Leadership": (
        "People management",
        "Hiring",
        "Giving feedback",
        "Delegation",
        "Team building",
        "Strategic thinking",
        "Managing managers",
        "Conflict resolution",
        "Coaching",
    ),
    "Career": (
        "Career change",
        "Interviewing",
        "Salary negotiation",
        "Personal branding",
        "Networking",
        "Promotion readiness",
        "CV writing",
        "Returning to work",
    ),
    "Entrepreneurship": (
        "Fundraising",
        "Business models",
        "Pitching",
        "Sales",
        "Marketing",
        "Finance for founders",
        "Customer development",
        "Pricing",
    ),
    "Communication": (
        "Public speaking",
        "Business writing",
        "Stakeholder management",
        "Presenting to executives",
        "Storytelling",
        "Facilitation",
        "Cross-cultural communication",
        "Negotiation",
    ),
}

INDUSTRIES: tuple[str, ...] = (
    "Software",
    "Fintech",
    "Financial services",
    "Healthcare",
    "Biotech and pharma",
    "Education",
    "E-commerce",
    "Retail",
    "Media and entertainment",
    "Gaming",
    "Telecommunications",
    "Manufacturing",
    "Automotive",
    "Energy",
    "Logistics and transport",
    "Travel and hospitality",
    "Agriculture",
    "Real estate",
    "Consulting",
    "Government and public sector",
    "Non-profit",
    "Cybersecurity",
)

# ISO 639-1 codes.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("sv", "Swedish"),
    ("pl", "Polish"),
    ("uk", "Ukrainian"),
    ("ru", "Russian"),
    ("el", "Greek"),
    ("tr", "Turkish"),
    ("ar", "Arabic"),
    ("he", "Hebrew"),
    ("fa", "Persian"),
    ("sw", "Swahili"),
    ("yo", "Yoruba"),
    ("ha", "Hausa"),
    ("am", "Amharic"),
    ("hi", "Hindi"),
    ("bn", "Bengali"),
    ("ta", "Tamil"),
    ("ur", "Urdu"),
    ("ne", "Nepali"),
    ("zh", "Mandarin Chinese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("vi", "Vietnamese"),
    ("th", "Thai"),
    ("id", "Indonesian"),
    ("ms", "Malay"),
    ("tl", "Tagalog"),
)


def load(
    *, language_model: Any, industry_model: Any, category_model: Any, skill_model: Any
) -> None:
    """Insert whatever of the lists is missing, through the given model classes.

    Takes the classes so the data migration can pass its historical models.
    A handful of queries whatever the size of the lists.
    """
    language_model.objects.bulk_create(
        [language_model(code=code, name=name) for code, name in LANGUAGES],
        ignore_conflicts=True,
    )
    industry_model.objects.bulk_create(
        [industry_model(name=name) for name in INDUSTRIES], ignore_conflicts=True
    )
    category_model.objects.bulk_create(
        [category_model(name=name) for name in SKILLS], ignore_conflicts=True
    )
    category_ids = dict(
        category_model.objects.filter(name__in=list(SKILLS)).values_list("name", "id")
    )
    # Skill names are unique without regard to case (a constraint on Lower(name)),
    # so an admin's "python" stops a second "Python" here too.
    skill_model.objects.bulk_create(
        [
            skill_model(name=name, category_id=category_ids[category])
            for category, names in SKILLS.items()
            if category in category_ids
            for name in names
        ],
        ignore_conflicts=True,
    )


def load_reference_data() -> None:
    """Make sure the starting skills, categories, industries and languages exist."""
    from profiles.models import Industry, Language, Skill, SkillCategory

    load(
        language_model=Language,
        industry_model=Industry,
        category_model=SkillCategory,
        skill_model=Skill,
    )
