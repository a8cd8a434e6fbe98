"""Create realistic, reproducible demo people (local demo data only).

Everything about a generated person comes from a random generator seeded with
`--seed` and their email address, so the same seed gives the same people
whatever the counts, and a second run finds them and adds nothing. Rows are
written with `bulk_create`, a few statements per model for each chunk of
people, never a query per row: 10k mentors take seconds.
"""

from __future__ import annotations

import random
import unicodedata
from argparse import ArgumentParser
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from profiles.availability import Window
from profiles.models import (
    AvailabilityWindow,
    Expertise,
    Format,
    Frequency,
    Goal,
    Industry,
    Language,
    MentoringKind,
    Milestone,
    Persona,
    PersonaSkill,
    Profile,
    ProfileLanguage,
    Seniority,
    Skill,
    Trait,
    User,
)
from profiles.reference_data import load_reference_data
from profiles.services import stamp_unversioned_profiles

DEMO_PASSWORD = "mentorship-demo"  # noqa: S105  (published demo password, local data only)
DEMO_DOMAIN = "@example.com"
# People generated and written together: bounds memory at 100k people while
# keeping the statements per model constant for small runs.
CHUNK = 2000

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chiara",
    "Dev",
    "Emeka",
    "Fatima",
    "Goran",
    "Hana",
    "Ines",
    "Jonas",
    "Kemal",
    "Lucía",
    "Mei",
    "Nikhil",
    "Olga",
    "Pedro",
    "Qin",
    "Rania",
    "Sven",
    "Tomás",
    "Uma",
    "Viktor",
    "Wanjiru",
    "Xavier",
    "Yuki",
    "Zeynep",
    "Amara",
    "Bruno",
    "Carmen",
    "Dmitri",
)
LAST_NAMES = (
    "Silva",
    "Okafor",
    "Rossi",
    "Patel",
    "Nakamura",
    "Haddad",
    "Novak",
    "Kowalski",
    "García",
    "Müller",
    "Chen",
    "Nguyen",
    "Johansson",
    "Mensah",
    "Dubois",
    "Kaya",
    "Murphy",
    "Santos",
    "Ivanova",
    "Kim",
    "Fischer",
    "Ali",
    "Costa",
    "Eriksson",
    "Tanaka",
    "Moreau",
    "Osei",
    "Lee",
)

NAMED_ACCOUNTS = (
    ("admin@example.com", "Ada Admin", True),
    ("mentee@example.com", "Maya Mentee", False),
    ("mentor@example.com", "Marco Mentor", False),
)


@dataclass(frozen=True)
class Place:
    country: str
    time_zone: str
    languages: tuple[str, ...]  # ISO 639-1; the first is the most common first language
    weight: int


# Spread over the Americas, Europe, Africa, Asia and Oceania, including zones
# with half- and quarter-hour offsets (Kolkata, Kathmandu).
PLACES = (
    Place("United States", "America/Los_Angeles", ("en", "es"), 6),
    Place("United States", "America/Chicago", ("en", "es"), 3),
    Place("United States", "America/New_York", ("en", "es"), 6),
    Place("Canada", "America/Toronto", ("en", "fr"), 3),
    Place("Mexico", "America/Mexico_City", ("es",), 3),
    Place("Colombia", "America/Bogota", ("es",), 2),
    Place("Brazil", "America/Sao_Paulo", ("pt",), 4),
    Place("Argentina", "America/Argentina/Buenos_Aires", ("es",), 2),
    Place("United Kingdom", "Europe/London", ("en",), 6),
    Place("Ireland", "Europe/Dublin", ("en",), 1),
    Place("Portugal", "Europe/Lisbon", ("pt",), 2),
    Place("Spain", "Europe/Madrid", ("es",), 3),
    Place("France", "Europe/Paris", ("fr",), 3),
    Place("Germany", "Europe/Berlin", ("de",), 4),
    Place("Netherlands", "Europe/Amsterdam", ("nl",), 2),
    Place("Sweden", "Europe/Stockholm", ("sv",), 1),
    Place("Poland", "Europe/Warsaw", ("pl",), 2),
    Place("Ukraine", "Europe/Kyiv", ("uk", "ru"), 2),
    Place("Türkiye", "Europe/Istanbul", ("tr",), 2),
    Place("Nigeria", "Africa/Lagos", ("en", "yo", "ha"), 4),
    Place("Ghana", "Africa/Accra", ("en",), 2),
    Place("Kenya", "Africa/Nairobi", ("sw", "en"), 3),
    Place("Ethiopia", "Africa/Addis_Ababa", ("am", "en"), 1),
    Place("Egypt", "Africa/Cairo", ("ar", "en"), 2),
    Place("South Africa", "Africa/Johannesburg", ("en",), 2),
    Place("United Arab Emirates", "Asia/Dubai", ("ar", "en", "hi"), 2),
    Place("Pakistan", "Asia/Karachi", ("ur", "en"), 2),
    Place("India", "Asia/Kolkata", ("hi", "en", "ta", "bn"), 7),
    Place("Nepal", "Asia/Kathmandu", ("ne", "en", "hi"), 2),
    Place("Bangladesh", "Asia/Dhaka", ("bn", "en"), 1),
    Place("Vietnam", "Asia/Ho_Chi_Minh", ("vi",), 2),
    Place("Indonesia", "Asia/Jakarta", ("id",), 2),
    Place("Singapore", "Asia/Singapore", ("en", "zh", "ms"), 2),
    Place("Philippines", "Asia/Manila", ("tl", "en"), 2),
    Place("China", "Asia/Shanghai", ("zh",), 3),
    Place("South Korea", "Asia/Seoul", ("ko",), 2),
    Place("Japan", "Asia/Tokyo", ("ja",), 3),
    Place("Australia", "Australia/Sydney", ("en",), 3),
    Place("New Zealand", "Pacific/Auckland", ("en",), 1),
)
PLACE_WEIGHTS = [place.weight for place in PLACES]
SECOND_LANGUAGES = ("es", "fr", "de", "pt", "zh", "ar", "ja", "it")


@dataclass(frozen=True)
class GoalTemplate:
    title: str  # an imperative, so "help me …" reads well
    description: str
    why: str
    skills: tuple[str, ...]
    milestones: tuple[str, ...]


@dataclass(frozen=True)
class Track:
    roles: dict[int, str]  # by seniority
    skills: tuple[str, ...]  # what people on this track know best
    extra: tuple[str, ...]  # what they often know too
    industries: tuple[str, ...]
    kinds: tuple[str, ...]
    goals: tuple[GoalTemplate, ...]


TRACKS = (
    Track(
        roles={
            1: "Computer science student",
            2: "Junior software engineer",
            3: "Software engineer",
            4: "Senior software engineer",
            5: "Engineering manager",
            6: "VP of Engineering",
        },
        skills=("Python", "JavaScript", "TypeScript", "Go", "Java", "SQL", "System design"),
        extra=(
            "API design",
            "Cloud infrastructure",
            "DevOps",
            "Testing",
            "Security",
            "Code review",
        ),
        industries=("Software", "Fintech", "E-commerce", "Gaming", "Telecommunications"),
        kinds=("skills", "career", "peer"),
        goals=(
            GoalTemplate(
                "Get promoted to senior engineer within a year",
                "My manager says I am close; I want to own a project end to end.",
                "I want to be trusted with the hard problems, not only the tickets.",
                ("System design", "Code review", "Promotion readiness"),
                (
                    "Write a design document and get it reviewed",
                    "Lead one feature from idea to release",
                    "Review code for two other teams",
                    "Agree a promotion case with my manager",
                ),
            ),
            GoalTemplate(
                "Land my first developer job",
                "I finished a bootcamp and have three small projects.",
                "I changed careers for this and want it to work out.",
                ("JavaScript", "Interviewing", "CV writing"),
                (
                    "Finish a portfolio project with tests",
                    "Rewrite my CV for developer roles",
                    "Do three mock interviews",
                    "Apply to ten companies",
                ),
            ),
            GoalTemplate(
                "Learn Go well enough to move our services to it",
                "Our team is replacing an old Python service with Go.",
                "I want to help lead the migration instead of watching it.",
                ("Go", "API design", "Testing"),
                (
                    "Finish the Go tour and one small tool",
                    "Port one endpoint with tests",
                    "Present what I learned to the team",
                ),
            ),
            GoalTemplate(
                "Design systems that survive growth",
                "Our traffic doubled and our architecture shows it.",
                "Outages cost us customers and my weekends.",
                ("System design", "Cloud infrastructure", "DevOps"),
                (
                    "Map our current architecture",
                    "Propose one change with a cost estimate",
                    "Run a load test",
                ),
            ),
        ),
    ),
    Track(
        roles={
            1: "Data science student",
            2: "Junior data analyst",
            3: "Data analyst",
            4: "Senior data scientist",
            5: "Head of data",
            6: "Chief data officer",
        },
        skills=("SQL", "Python", "Data analysis", "Statistics", "Machine learning"),
        extra=("Data engineering", "Data visualisation", "A/B testing", "Spreadsheet modelling"),
        industries=("Healthcare", "Financial services", "Retail", "E-commerce", "Energy"),
        kinds=("skills", "career"),
        goals=(
            GoalTemplate(
                "Move from analyst to data scientist",
                "I write SQL all day and want to build models too.",
                "I enjoy the modelling part most and want it to be my job.",
                ("Machine learning", "Statistics", "Python"),
                (
                    "Finish a statistics refresher",
                    "Build one model on our real data",
                    "Present results to the product team",
                    "Apply for an internal data science role",
                ),
            ),
            GoalTemplate(
                "Run experiments the business trusts",
                "Our A/B tests are often stopped early or read wrongly.",
                "Good decisions need results people believe.",
                ("A/B testing", "Statistics", "Storytelling"),
                (
                    "Write an experiment checklist",
                    "Review three past tests",
                    "Run one test with a pre-registered plan",
                ),
            ),
            GoalTemplate(
                "Build dashboards people actually use",
                "We have forty dashboards and nobody opens them.",
                "I want my work to change decisions.",
                ("Data visualisation", "Data analysis", "Stakeholder management"),
                (
                    "Interview five dashboard users",
                    "Retire ten unused dashboards",
                    "Ship one dashboard with a clear question",
                ),
            ),
        ),
    ),
    Track(
        roles={
            1: "Career changer into product",
            2: "Associate product manager",
            3: "Product manager",
            4: "Senior product manager",
            5: "Director of product",
            6: "Chief product officer",
        },
        skills=("Product discovery", "Roadmapping", "User research", "Prioritisation"),
        extra=("Product analytics", "Product strategy", "Writing specs", "Go-to-market", "SQL"),
        industries=("Software", "Fintech", "E-commerce", "Education", "Healthcare"),
        kinds=("career", "skills", "leadership"),
        goals=(
            GoalTemplate(
                "Move into a product manager role",
                "I work close to customers and want to decide what gets built.",
                "I keep seeing problems I could help solve.",
                ("Product discovery", "Roadmapping", "Career change"),
                (
                    "Shadow two discovery interviews",
                    "Write a one-page spec for a real problem",
                    "Get feedback on it from a PM",
                    "Apply for an associate PM role",
                ),
            ),
            GoalTemplate(
                "Build a roadmap my stakeholders agree on",
                "Every quarter the roadmap is a negotiation I lose.",
                "My team deserves a plan that holds.",
                ("Roadmapping", "Stakeholder management", "Prioritisation"),
                (
                    "List every stakeholder and what they need",
                    "Run a prioritisation workshop",
                    "Publish the roadmap with its reasons",
                ),
            ),
            GoalTemplate(
                "Get better at talking to users",
                "My interviews turn into demos of our product.",
                "We build things nobody asked for.",
                ("User research", "Product discovery", "Usability testing"),
                (
                    "Write an interview guide",
                    "Run five interviews without pitching",
                    "Share what I learned with the team",
                ),
            ),
        ),
    ),
    Track(
        roles={
            1: "Design bootcamp student",
            2: "Junior UX designer",
            3: "Product designer",
            4: "Senior product designer",
            5: "Design manager",
            6: "VP of Design",
        },
        skills=("UX design", "UI design", "Interaction design", "Prototyping"),
        extra=("Design systems", "Accessibility", "Visual design", "Usability testing"),
        industries=("Software", "Media and entertainment", "E-commerce", "Travel and hospitality"),
        kinds=("skills", "career", "peer"),
        goals=(
            GoalTemplate(
                "Build a portfolio that gets interviews",
                "My portfolio shows screens, not how I think.",
                "I want a design job where I work on real products.",
                ("UX design", "Storytelling", "Personal branding"),
                (
                    "Rewrite two case studies",
                    "Get a portfolio review",
                    "Publish the new portfolio",
                ),
            ),
            GoalTemplate(
                "Make our product accessible",
                "We fail basic accessibility checks.",
                "Some of our customers cannot use what we make.",
                ("Accessibility", "Design systems", "Usability testing"),
                (
                    "Audit our main flows",
                    "Fix colour contrast in the design system",
                    "Test with a screen reader user",
                ),
            ),
            GoalTemplate(
                "Lead our design system",
                "Three teams, three button styles.",
                "Consistency would save us weeks every quarter.",
                ("Design systems", "Facilitation", "Stakeholder management"),
                (
                    "Inventory existing components",
                    "Agree principles with the teams",
                    "Ship the first shared components",
                    "Write contribution guidelines",
                ),
            ),
        ),
    ),
    Track(
        roles={
            1: "Aspiring founder",
            2: "Startup operations associate",
            3: "Co-founder",
            4: "Founder and CEO",
            5: "Founder and CEO",
            6: "Angel investor and former CEO",
        },
        skills=("Business models", "Fundraising", "Pitching", "Customer development"),
        extra=("Sales", "Pricing", "Finance for founders", "Marketing", "Hiring"),
        industries=("Software", "Agriculture", "Education", "Healthcare", "Fintech", "Energy"),
        kinds=("entrepreneurship", "leadership", "career"),
        goals=(
            GoalTemplate(
                "Raise a pre-seed round",
                "We have ten paying customers and need runway.",
                "Without it we go back to day jobs in six months.",
                ("Fundraising", "Pitching", "Finance for founders"),
                (
                    "Write a one-page investment memo",
                    "Practise the pitch with three founders",
                    "Meet twenty investors",
                    "Close the round",
                ),
            ),
            GoalTemplate(
                "Find a business model that works",
                "People love the product and pay too little for it.",
                "Loved products still die without revenue.",
                ("Business models", "Pricing", "Customer development"),
                (
                    "Interview ten customers about value",
                    "Test a new price with new sign-ups",
                    "Decide on the model",
                ),
            ),
            GoalTemplate(
                "Make our first sales hire",
                "I do all the selling and it does not scale.",
                "I need my time for the product again.",
                ("Sales", "Hiring", "Delegation"),
                (
                    "Write down how I sell today",
                    "Write the job description",
                    "Interview five candidates",
                ),
            ),
        ),
    ),
    Track(
        roles={
            1: "Marketing student",
            2: "Marketing coordinator",
            3: "Marketing manager",
            4: "Senior marketing manager",
            5: "Head of marketing",
            6: "Chief marketing officer",
        },
        skills=("Marketing", "Storytelling", "Business writing", "Public speaking"),
        extra=("Go-to-market", "Product analytics", "Personal branding", "Negotiation", "Sales"),
        industries=("Retail", "Media and entertainment", "Non-profit", "Consulting", "Automotive"),
        kinds=("career", "skills", "leadership"),
        goals=(
            GoalTemplate(
                "Speak at an industry conference",
                "I have talked at team meetings, never on a stage.",
                "Being visible would help my team and my career.",
                ("Public speaking", "Storytelling"),
                (
                    "Pick a topic and write the abstract",
                    "Give the talk at a local meetup",
                    "Submit to two conferences",
                ),
            ),
            GoalTemplate(
                "Launch a product in a new market",
                "We are entering two countries next year.",
                "I lead the launch and have not done one abroad.",
                ("Go-to-market", "Cross-cultural communication", "Marketing"),
                (
                    "Research the two markets",
                    "Write the launch plan",
                    "Run a small pilot campaign",
                ),
            ),
        ),
    ),
)
GENERAL_GOALS = (
    GoalTemplate(
        "Lead a team for the first time",
        "I become a team lead next quarter.",
        "I have had bad managers and want to be a good one.",
        ("People management", "Giving feedback", "Delegation"),
        (
            "Hold one-to-ones with everyone",
            "Agree team goals",
            "Give feedback that lands",
            "Delegate one thing I love doing",
        ),
    ),
    GoalTemplate(
        "Negotiate my next salary with confidence",
        "I have never negotiated and I suspect I am underpaid.",
        "Money matters, and so does feeling valued.",
        ("Salary negotiation", "Negotiation"),
        ("Research pay for my role", "Practise the conversation", "Have the conversation"),
    ),
    GoalTemplate(
        "Present to executives without freezing",
        "I present our work to the leadership team every month.",
        "My team's work deserves a clear story.",
        ("Presenting to executives", "Storytelling", "Stakeholder management"),
        ("Watch two good presentations", "Rehearse with a friendly audience", "Present"),
    ),
    GoalTemplate(
        "Grow my network in a new country",
        "I moved here last year and know almost nobody in my field.",
        "Most good jobs here come through people.",
        ("Networking", "Cross-cultural communication", "Personal branding"),
        ("Go to three meetups", "Update my public profile", "Have five coffee chats"),
    ),
)
LEADERSHIP_SKILLS = (
    "People management",
    "Hiring",
    "Giving feedback",
    "Delegation",
    "Team building",
    "Strategic thinking",
    "Managing managers",
    "Coaching",
)
CAREER_SKILLS = ("Career change", "Interviewing", "Promotion readiness", "Networking")

YEARS_BY_SENIORITY = {1: (0, 1), 2: (1, 3), 3: (3, 7), 4: (6, 12), 5: (9, 18), 6: (15, 30)}
ORG_WORDS = (
    "Bluefin",
    "Kestrel",
    "Northwind",
    "Lumen",
    "Baobab",
    "Harbour",
    "Quill",
    "Saffron",
    "Tidal",
    "Juniper",
    "Atlas",
    "Copperleaf",
    "Meridian",
    "Orchid",
    "Pebble",
    "Summit",
)
ORG_SUFFIXES = {
    "Software": ("Labs", "Software"),
    "Fintech": ("Pay", "Ledger"),
    "Financial services": ("Bank", "Capital"),
    "Healthcare": ("Health", "Clinics"),
    "Biotech and pharma": ("Bio", "Therapeutics"),
    "Education": ("Learning", "Academy"),
    "E-commerce": ("Shop", "Market"),
    "Retail": ("Stores", "Retail"),
    "Media and entertainment": ("Media", "Studios"),
    "Gaming": ("Games", "Studios"),
    "Telecommunications": ("Telecom", "Mobile"),
    "Manufacturing": ("Industries", "Works"),
    "Automotive": ("Motors", "Mobility"),
    "Energy": ("Energy", "Solar"),
    "Logistics and transport": ("Logistics", "Freight"),
    "Travel and hospitality": ("Travel", "Hotels"),
    "Agriculture": ("Farms", "Agritech"),
    "Real estate": ("Homes", "Properties"),
    "Consulting": ("Partners", "Advisory"),
    "Government and public sector": ("Agency", "Council"),
    "Non-profit": ("Foundation", "Trust"),
    "Cybersecurity": ("Security", "Shield"),
}
SCHOOLS = ("City University", "Open University", "Polytechnic Institute", "Code Academy")
HOBBIES = (
    "Outside work I run, slowly and happily.",
    "I cook for too many people on Sundays.",
    "I volunteer at a coding club for teenagers.",
    "I am learning the piano, one scale at a time.",
    "I read a lot of science fiction.",
    "I hike whenever the weather lets me.",
    "I play five-a-side football on Thursdays.",
    "I have two small children, so my evenings are carefully planned.",
    "I grow tomatoes on a balcony that is too small for them.",
)
KIND_SENTENCES = {
    "career": "Happy to talk through career moves and the decisions behind them.",
    "skills": "I like working on a concrete piece of work together.",
    "leadership": "I enjoy helping new leads find their feet.",
    "entrepreneurship": "I have made most founder mistakes and will tell you about them.",
    "peer": "I am open to peer mentoring: we learn from each other.",
    "reverse": "I would value reverse mentoring from someone earlier in their career.",
}
FORMAT_PHRASES = {
    "video": "video calls",
    "phone": "phone calls",
    "chat": "chat",
    "in_person": "meeting in person",
}
FREQUENCY_PHRASES = {
    "weekly": "every week",
    "fortnightly": "every two weeks",
    "monthly": "once a month",
    "ad_hoc": "when something comes up",
}
TRAIT_PHRASES = {
    "direct": "direct, honest feedback",
    "encouraging": "encouragement when things get hard",
    "structured": "a clear structure and homework",
    "exploratory": "open conversations that follow the interesting thread",
    "challenging": "someone who challenges my assumptions",
    "reflective": "time to reflect rather than quick answers",
}
# Local wall-clock blocks a window may fall in: early, midday, evening. They do
# not touch, so windows in different blocks of one day never overlap.
DAY_BLOCKS = ((6 * 60, 10 * 60), (11 * 60, 14 * 60 + 30), (17 * 60, 23 * 60))


# --- People as plain data -------------------------------------------------------------


@dataclass
class GoalSpec:
    title: str
    description: str
    why: str
    target_in_days: int
    priority: int
    status: str
    created_days_ago: int
    skills: list[str]
    # Title, due in days, done so many days ago (None: not done).
    milestones: list[tuple[str, int, int | None]]


@dataclass
class PersonaSpec:
    skills: list[tuple[str, str]]  # skill name, importance
    industries: list[str]
    languages: list[str]
    min_years_experience: int | None
    seniority: int | None
    traits: list[str]
    formats: list[str]
    frequency: str
    min_shared_hours: int
    ideal_mentor: str


@dataclass
class PersonSpec:
    email: str
    name: str
    is_staff: bool = False
    profile: dict[str, Any] = field(default_factory=dict)
    industry: str | None = None
    paused_for_days: int | None = None
    languages: list[tuple[str, int]] = field(default_factory=list)
    expertise: list[tuple[str, int]] = field(default_factory=list)
    mentor_industries: list[str] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    goals: list[GoalSpec] = field(default_factory=list)
    persona: PersonaSpec | None = None


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# Names that keep their capitals inside a sentence.
PROPER_SKILLS = frozenset({"Python", "Go", "Java", "JavaScript", "TypeScript", "DevOps"})


def _in_sentence(skill: str) -> str:
    """ "SQL", "Python", "VP of Engineering" as they are; "Product discovery" lower-cased."""
    if skill in PROPER_SKILLS or not skill[1:2].islower():
        return skill
    return _lower_first(skill)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(ascii_name.lower().split())


def generated_person(email: str, *, seed: int, mentor: bool) -> PersonSpec:
    """One generated person; depends only on the seed and the email address."""
    rng = random.Random(f"{seed}:{email}")
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    place = rng.choices(PLACES, weights=PLACE_WEIGHTS)[0]
    track = rng.choice(TRACKS)
    if mentor:
        seniority = rng.choices((3, 4, 5, 6), weights=(2, 5, 4, 1))[0]
        is_mentee = rng.random() < 0.15  # growing mentors have goals too
    else:
        seniority = rng.choices((1, 2, 3, 4), weights=(2, 4, 4, 2))[0]
    is_mentor = mentor or (seniority >= 3 and rng.random() < 0.12)  # peer mentors
    is_mentee = (not mentor) or is_mentee
    low, high = YEARS_BY_SENIORITY[seniority]
    years = rng.randint(low, high)
    industry = rng.choice(track.industries)
    role = track.roles[seniority]
    if seniority == 1:
        organisation = rng.choice(SCHOOLS)
    else:
        organisation = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_SUFFIXES[industry])}"

    languages = _languages(rng, place)
    traits = rng.sample(Trait.values, rng.randint(1, 3))
    formats = ["video", *rng.sample(["phone", "chat", "in_person"], rng.randint(0, 2))]
    if rng.random() < 0.15:
        formats = rng.sample(Format.values, rng.randint(1, 2))
    frequency = rng.choices(Frequency.values, weights=(2, 5, 3, 1))[0]
    minutes = rng.choice((30, 45, 45, 60))

    person = PersonSpec(email=email, name=name, industry=industry, languages=languages)
    person.windows = _windows(rng)

    expertise: list[tuple[str, int]] = []
    kinds: list[str] = []
    if is_mentor:
        expertise = _expertise(rng, track, seniority)
        kinds = rng.sample(track.kinds, rng.randint(1, len(track.kinds)))
        if seniority >= 5 and "leadership" not in kinds and rng.random() < 0.5:
            kinds.append("leadership")
        if rng.random() < 0.05:
            kinds.append(MentoringKind.REVERSE.value)
        others = [name for name in track.industries if name != industry]
        person.mentor_industries = [industry, *rng.sample(others, rng.randint(0, 2))]
        person.expertise = expertise
    if is_mentee:
        person.goals = _goals(rng, track)
        person.persona = _persona(rng, person, track, seniority, years, industry, formats)

    top = [skill for skill, _ in expertise[:2]]
    if is_mentor and top:
        headline = f"{role} at {organisation} · {_join(top)}"
    else:
        headline = f"{role} at {organisation} · {person.goals[0].title}"
    opening = rng.choice(
        (
            f"I'm {_a(_in_sentence(role))} at {organisation}, based in {place.country}.",
            f"{years} years into {industry.lower()}; today I'm {_a(_in_sentence(role))} "
            f"at {organisation} in {place.country}.",
        )
    )
    if is_mentor and top:
        middle = rng.choice(
            (
                f"Most of my work is {_join([_in_sentence(s) for s in top])}, and I "
                "learned most from the projects that went wrong.",
                f"I care about {_in_sentence(top[0])} done well and about people "
                "having someone to ask.",
            )
        )
    else:
        middle = f"Right now I am working to {_lower_first(person.goals[0].title)}."
    bio = f"{opening} {middle} {rng.choice(HOBBIES)}"
    how_i_can_help = ""
    if is_mentor:
        how_i_can_help = (
            f"I can help with {_join([_in_sentence(skill) for skill, _ in expertise[:3]])}. "
            f"{KIND_SENTENCES[kinds[0]]} I like {FORMAT_PHRASES[formats[0]]} "
            f"{FREQUENCY_PHRASES[frequency]}, about {minutes} minutes, starting from a "
            "clear question."
        )
    accepting, paused = True, None
    if is_mentor:
        roll = rng.random()
        if roll < 0.05:
            accepting = False  # full for now
        elif roll < 0.10:
            accepting, paused = False, rng.randint(7, 60)
    person.paused_for_days = paused
    contact_links = []
    if rng.random() < 0.7:
        contact_links.append(f"https://www.linkedin.com/in/{_slug(name)}-{rng.randint(10, 99)}")
    person.profile = {
        "is_mentee": is_mentee,
        "is_mentor": is_mentor,
        "headline": _clip(headline, 140),
        "bio": bio,
        "country": place.country,
        "time_zone": place.time_zone,
        "current_role": role,
        "organisation": organisation,
        "years_experience": years,
        "seniority": seniority,
        "traits": traits,
        "formats": formats,
        "contact_links": contact_links,
        "mentoring_kinds": kinds,
        "capacity": rng.randint(1, 5) if is_mentor else 0,
        "accepting_mentees": accepting,
        "how_i_can_help": how_i_can_help,
        "session_minutes": minutes,
        "session_frequency": frequency,
    }
    return person


def _languages(rng: random.Random, place: Place) -> list[tuple[str, int]]:
    first = place.languages[0] if rng.random() < 0.8 else rng.choice(place.languages)
    chosen = [(first, 4)]
    if first != "en":
        english_odds = 0.9 if "en" in place.languages else 0.65
        if rng.random() < english_odds:
            chosen.append(("en", rng.choice((2, 3, 3, 4))))
    if rng.random() < 0.35:
        options = [
            code
            for code in (*place.languages, *SECOND_LANGUAGES)
            if code not in {c for c, _ in chosen}
        ]
        chosen.append((rng.choice(options), rng.choice((1, 2, 2, 3))))
    return chosen[:3]


def _windows(rng: random.Random) -> list[Window]:
    slots = rng.sample([(day, block) for day in range(7) for block in range(3)], rng.randint(2, 6))
    windows = []
    for day, block in slots:
        low, high = DAY_BLOCKS[block]
        length = min(rng.choice((60, 90, 120, 120, 150, 180)), high - low)
        start = low + 15 * rng.randint(0, (high - low - length) // 15)
        windows.append(Window(day, start, start + length))
    return sorted(windows)


def _expertise(rng: random.Random, track: Track, seniority: int) -> list[tuple[str, int]]:
    names = rng.sample(track.skills, rng.randint(2, min(5, len(track.skills))))
    names += rng.sample(track.extra, rng.randint(1, 2))
    if seniority >= 5:
        names += rng.sample(LEADERSHIP_SKILLS, rng.randint(1, 2))
    elif rng.random() < 0.3:
        names.append(rng.choice(CAREER_SKILLS))
    names = list(dict.fromkeys(names))[:8]
    base = min(seniority, 5)
    levels = [
        max(1, min(5, base - (i >= 3) + rng.choice((-1, 0, 0, 1)))) for i in range(len(names))
    ]
    return sorted(zip(names, levels, strict=True), key=lambda item: -item[1])


def _goals(rng: random.Random, track: Track) -> list[GoalSpec]:
    templates = rng.sample(track.goals, 1)
    count = rng.choices((1, 2, 3), weights=(4, 4, 2))[0]
    pool = [t for t in (*track.goals, *GENERAL_GOALS) if t not in templates]
    templates += rng.sample(pool, count - 1)
    goals = []
    for index, template in enumerate(templates):
        target = rng.randint(45, 365)
        status = Goal.Status.ACTIVE.value
        if index > 0:
            status = rng.choices(Goal.Status.values, weights=(85, 10, 5))[0]
        available = len(template.milestones)
        picked = sorted(rng.sample(range(available), rng.randint(0, min(4, available))))
        milestones = []
        for position, milestone_index in enumerate(picked):
            due = max(7, target * (position + 1) // (len(picked) + 1))
            done = status == Goal.Status.ACHIEVED.value or (position == 0 and rng.random() < 0.5)
            milestones.append(
                (template.milestones[milestone_index], due, rng.randint(1, 30) if done else None)
            )
        goals.append(
            GoalSpec(
                title=template.title,
                description=template.description,
                why=template.why,
                target_in_days=target,
                priority=rng.choice(Goal.Priority.values),
                status=status,
                created_days_ago=rng.randint(31, 90),
                skills=list(template.skills),
                milestones=milestones,
            )
        )
    return goals


def _persona(
    rng: random.Random,
    person: PersonSpec,
    track: Track,
    seniority: int,
    years: int,
    industry: str,
    formats: list[str],
) -> PersonaSpec:
    wanted = list(dict.fromkeys(skill for goal in person.goals for skill in goal.skills))
    must = rng.sample(wanted[:3], rng.randint(1, min(2, len(wanted))))
    nice_pool = list(dict.fromkeys(s for s in (*wanted, *track.extra) if s not in must))
    nice = rng.sample(nice_pool, rng.randint(1, min(3, len(nice_pool))))
    spoken = [code for code, level in person.languages if level >= 2]
    languages = spoken[: rng.randint(1, 2)]
    others = [name for name in track.industries if name != industry]
    traits = rng.sample(Trait.values, rng.randint(1, 2))
    goal = _lower_first(person.goals[0].title)
    return PersonaSpec(
        skills=[(name, "must") for name in must] + [(name, "nice") for name in nice],
        industries=[industry, *rng.sample(others, rng.randint(0, 1))],
        languages=languages,
        min_years_experience=min(50, years + rng.randint(3, 8)) if rng.random() < 0.8 else None,
        seniority=min(6, seniority + rng.randint(1, 2)),
        traits=traits,
        formats=formats[: rng.randint(1, len(formats))],
        frequency=rng.choice(Frequency.values),
        min_shared_hours=rng.randint(1, 4),
        ideal_mentor=(
            f"Someone who has done this before and can help me {goal}. "
            f"I do best with {TRAIT_PHRASES[traits[0]]}. "
            f"Knowing {_in_sentence(must[0])} well matters most to me."
        ),
    )


def named_people() -> list[PersonSpec]:
    """The demo accounts people log in with; mentee@ and mentor@ are a good match."""
    admin = PersonSpec(
        email="admin@example.com",
        name="Ada Admin",
        is_staff=True,
        industry="Non-profit",
        profile={
            "headline": "Programme admin",
            "country": "United Kingdom",
            "time_zone": "Europe/London",
            "current_role": "Programme manager",
            "organisation": "Demo Mentoring Programme",
        },
        languages=[("en", 4)],
    )
    # Lisbon and Berlin keep one hour apart all year (same EU change dates), so
    # their Tuesday and Thursday evenings overlap 2 h each, 4 h a week.
    mentee = PersonSpec(
        email="mentee@example.com",
        name="Maya Mentee",
        industry="Fintech",
        profile={
            "is_mentee": True,
            "headline": "Customer support lead at Paybridge · moving into product",
            "bio": (
                "I lead a support team of six at Paybridge in Lisbon. I spend my days with "
                "customers' problems and want to help decide what we build next. "
                "I cook for too many people on Sundays."
            ),
            "country": "Portugal",
            "time_zone": "Europe/Lisbon",
            "current_role": "Customer support lead",
            "organisation": "Paybridge",
            "years_experience": 4,
            "seniority": Seniority.MID,
            "traits": ["reflective", "structured"],
            "formats": ["video", "chat"],
            "capacity": 0,
            "session_minutes": 45,
            "session_frequency": Frequency.FORTNIGHTLY,
        },
        languages=[("pt", 4), ("en", 3), ("es", 2)],
        windows=[
            Window(1, 18 * 60, 20 * 60),
            Window(3, 18 * 60, 20 * 60),
            Window(5, 9 * 60, 11 * 60),
        ],
        goals=[
            GoalSpec(
                title="Move from support to a product role within a year",
                description=(
                    "I know our customers' problems better than anyone; I want to learn "
                    "discovery and roadmapping and apply for an associate PM role."
                ),
                why="I keep seeing problems I could help solve, and I want it to be my job.",
                target_in_days=300,
                priority=Goal.Priority.HIGH,
                status=Goal.Status.ACTIVE,
                created_days_ago=40,
                skills=["Product discovery", "Roadmapping", "User research", "SQL"],
                milestones=[
                    ("Shadow two product discovery interviews", 30, 5),
                    ("Write a one-page spec for a support pain point", 75, None),
                    ("Answer my own questions with SQL", 150, None),
                    ("Apply for an associate PM role", 270, None),
                ],
            ),
            GoalSpec(
                title="Present customer insights to the leadership team",
                description="A monthly ten-minute slot to share what customers tell us.",
                why="Customer problems get fixed when leaders hear them clearly.",
                target_in_days=120,
                priority=Goal.Priority.MEDIUM,
                status=Goal.Status.ACTIVE,
                created_days_ago=20,
                skills=["Presenting to executives", "Storytelling", "Data analysis"],
                milestones=[("Draft the first insights deck", 21, None)],
            ),
        ],
        persona=PersonaSpec(
            skills=[
                ("Product discovery", "must"),
                ("Roadmapping", "must"),
                ("User research", "nice"),
                ("SQL", "nice"),
                ("Stakeholder management", "nice"),
            ],
            industries=["Fintech", "Software"],
            languages=["en", "pt"],
            min_years_experience=6,
            seniority=Seniority.SENIOR,
            traits=["encouraging", "structured"],
            formats=["video", "chat"],
            frequency=Frequency.FORTNIGHTLY,
            min_shared_hours=3,
            ideal_mentor=(
                "A product manager who moved into product from another role, ideally in "
                "fintech, and can help me plan the move step by step. I do best with "
                "encouragement and a clear structure."
            ),
        ),
    )
    mentor = PersonSpec(
        email="mentor@example.com",
        name="Marco Mentor",
        industry="Fintech",
        profile={
            "is_mentor": True,
            "headline": "Group product manager at Ledgerly · discovery and roadmaps",
            "bio": (
                "I moved from customer success into product eleven years ago and now lead "
                "four product teams at Ledgerly in Berlin. I grew up in Porto. "
                "I hike whenever the weather lets me."
            ),
            "country": "Germany",
            "time_zone": "Europe/Berlin",
            "current_role": "Group product manager",
            "organisation": "Ledgerly",
            "years_experience": 12,
            "seniority": Seniority.LEAD,
            "traits": ["encouraging", "structured", "direct"],
            "formats": ["video", "chat"],
            "contact_links": ["https://www.linkedin.com/in/marco-mentor-demo"],
            "mentoring_kinds": ["career", "skills"],
            "capacity": 3,
            "accepting_mentees": True,
            "how_i_can_help": (
                "I can help with product discovery, roadmapping and the move into product "
                "from support or sales. I like video calls every two weeks, about 45 "
                "minutes, starting from a clear question."
            ),
            "session_minutes": 45,
            "session_frequency": Frequency.FORTNIGHTLY,
        },
        languages=[("pt", 4), ("en", 4), ("de", 3)],
        expertise=[
            ("Product discovery", 5),
            ("Roadmapping", 5),
            ("User research", 4),
            ("Stakeholder management", 4),
            ("Career change", 4),
            ("Product strategy", 4),
            ("SQL", 3),
        ],
        mentor_industries=["Fintech", "Software", "E-commerce"],
        windows=[
            Window(1, 18 * 60 + 30, 21 * 60),
            Window(3, 19 * 60, 21 * 60),
            Window(6, 10 * 60, 12 * 60),
        ],
    )
    return [admin, mentee, mentor]


# --- Writing ----------------------------------------------------------------------------


@dataclass
class Lookups:
    skills: dict[str, int]  # lower-case name
    industries: dict[str, int]
    languages: dict[str, int]  # code

    def skill(self, name: str) -> int | None:
        return self.skills.get(name.lower())


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _generate(emails: Sequence[str], seed: int) -> list[PersonSpec]:
    return [
        generated_person(email, seed=seed, mentor=email.startswith("mentor")) for email in emails
    ]


class Command(BaseCommand):
    help = (
        "Create demo accounts: admin@, mentee@ and mentor@example.com, plus generated "
        f"mentorN@ and menteeN@example.com, all with the password {DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--mentors", type=int, default=20, help="generated mentors")
        parser.add_argument("--mentees", type=int, default=40, help="generated mentees")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same people)"
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even with DEBUG off (a public demo site; never real people's data)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already has accounts (used by `make run`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: demo accounts (a superuser with a published password) "
                "are not created. Pass --allow-production for a public demo site."
            )
        if options["mentors"] < 0 or options["mentees"] < 0:
            raise CommandError("--mentors and --mentees must be 0 or more.")
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CommandError("seed_demo needs PostgreSQL or SQLite 3.35 or later.")
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Accounts exist already; demo data not loaded again.")
        else:
            created = self._seed(options["mentors"], options["mentees"], options["seed"])
            self.stdout.write(self.style.SUCCESS(f"Created {created} demo accounts."))
        self._print_accounts()

    @transaction.atomic
    def _seed(self, mentors: int, mentees: int, seed: int) -> int:
        load_reference_data()
        lookups = Lookups(
            skills={name.lower(): pk for name, pk in Skill.objects.values_list("name", "id")},
            industries=dict(Industry.objects.values_list("name", "id")),
            languages=dict(Language.objects.values_list("code", "id")),
        )
        # Hashing is deliberately slow; every demo account shares one hash.
        password = make_password(DEMO_PASSWORD)
        now = timezone.now()
        today = timezone.localdate()
        users = dict(User.objects.filter(email__endswith=DEMO_DOMAIN).values_list("email", "id"))
        # People who have a profile already are left alone: a second run adds nothing.
        done = set(
            Profile.objects.filter(user__email__endswith=DEMO_DOMAIN).values_list(
                "user__email", flat=True
            )
        )
        with_persona = set(
            Persona.objects.filter(owner__email__endswith=DEMO_DOMAIN).values_list(
                "owner__email", flat=True
            )
        )
        created = 0
        emails = [
            *(f"mentor{n}{DEMO_DOMAIN}" for n in range(1, mentors + 1)),
            *(f"mentee{n}{DEMO_DOMAIN}" for n in range(1, mentees + 1)),
        ]
        chunks = _chunks(emails, CHUNK)
        # People are generated one chunk at a time, so 100k never sit in memory.
        batch = [*named_people(), *_generate(next(chunks, []), seed)]
        while True:
            created += self._write(
                batch,
                users=users,
                done=done,
                with_persona=with_persona,
                password=password,
                lookups=lookups,
                now=now,
                today=today,
            )
            chunk = next(chunks, None)
            if chunk is None:
                break
            batch = _generate(chunk, seed)
        if created:
            self._seed_mentorship(now)
            # Running web processes pick the new people up at their next browse.
            stamp_unversioned_profiles()
        created += self._seed_coordinator(password, now, users=users)
        self._seed_cohort(today)
        return created

    def _seed_cohort(self, today: date) -> None:
        """An empty cohort for the tour: an admin imports matching/fixtures/sample_cohort.csv
        into it, runs a bulk match and publishes it."""
        from matching.models import Program

        starts = today + timedelta(days=30)
        Program.objects.get_or_create(
            slug="spring-2027",
            defaults={
                "name": "Spring 2027 cohort",
                "description": "Six months of one-to-one mentoring for people growing into "
                "their next role, with fortnightly check-ins.",
                "timing": Program.Timing.COHORT,
                "starts_on": starts,
                "ends_on": starts + timedelta(days=182),
                "matching_mode": Program.MatchingMode.ADMIN_ASSIGNED,
                "checkin_frequency": "fortnightly",
            },
        )

    def _demo_mentee(self, mentor: User, now: datetime) -> User | None:
        """The first generated mentee in another time zone who shares free hours with
        mentor@ (so proposing a session has times to suggest), else the first one."""
        from profiles.availability import shared_hours, week_start_for

        # The first few dozen are plenty to find one, at any size of demo data.
        emails = [f"mentee{n}{DEMO_DOMAIN}" for n in range(1, 41)]
        people = {
            user.pk: user
            for user in User.objects.filter(email__in=[*emails, mentor.email]).select_related(
                "profile"
            )
        }
        windows: dict[int, list[Window]] = {pk: [] for pk in people}
        for user_id, *window in AvailabilityWindow.objects.filter(
            profile__user_id__in=people
        ).values_list("profile__user_id", "weekday", "start_minute", "end_minute"):
            windows[user_id].append(Window(*window))
        my_zone, week = mentor.profile.time_zone, week_start_for(now)
        by_email = {user.email: user for user in people.values()}
        candidates = [by_email[email] for email in emails if email in by_email]
        for mentee in candidates:
            zone = mentee.profile.time_zone
            shared = shared_hours(windows[mentor.pk], my_zone, windows[mentee.pk], zone, week)
            if zone != my_zone and shared >= 2:
                return mentee
        return candidates[0] if candidates else None

    def _seed_mentorship(self, now: datetime) -> None:
        """mentor@ already mentors a generated mentee in another time zone: a pair three
        weeks in, with a session behind them, one booked, and a check-in, so the rhythm
        pages have a story."""
        from matching.models import Mentorship
        from sessions_app.models import CheckIn, Session

        mentor = User.objects.filter(email="mentor@example.com").first()
        if mentor is None or Mentorship.objects.filter(mentor=mentor).exists():
            return
        mentee = self._demo_mentee(mentor, now)
        if mentee is None:
            return
        started = now - timedelta(days=20)
        mentorship = Mentorship.objects.create(
            mentee=mentee,
            mentor=mentor,
            frequency=Mentorship.Frequency.FORTNIGHTLY,
            session_minutes=45,
            channel="Video call (link in the invite)",
            boundaries="Messages on weekdays; we reschedule at least a day ahead.",
            confidentiality="What we discuss stays between us.",
            mentee_confirmed_at=started + timedelta(days=1),
            mentor_confirmed_at=started + timedelta(days=1),
        )
        Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started)
        mentorship.goals.set(mentee.goals.filter(status="active")[:1])
        # Whole hours in UTC: a time both can read at a glance in their zones.
        first = (started + timedelta(days=6)).replace(hour=16, minute=0, second=0, microsecond=0)
        Session.objects.create(
            mentorship=mentorship,
            proposed_by=mentee,
            status=Session.Status.COMPLETED,
            starts_at=first,
            duration_minutes=45,
            agenda="Where I am now, where I want to be in a year, and how we will work.",
            shared_notes="Agreed to focus on the first goal. Next: a small plan for this month.",
            confirmed_at=first - timedelta(days=3),
            completed_at=first + timedelta(minutes=45),
        )
        upcoming = (now + timedelta(days=2)).replace(hour=16, minute=0, second=0, microsecond=0)
        Session.objects.create(
            mentorship=mentorship,
            proposed_by=mentor,
            status=Session.Status.CONFIRMED,
            starts_at=upcoming,
            duration_minutes=45,
            agenda="Review the plan; one thing that got in the way.",
            confirmed_at=now - timedelta(days=1),
        )
        CheckIn.objects.create(
            mentorship=mentorship,
            author=mentee,
            progress=4,
            wins="Wrote the plan and shared it with my manager.",
            blockers="Finding an hour a week for it.",
            next_steps="Block Thursday mornings.",
            mentor_comment="Great start. Thursday mornings sound realistic.",
            acknowledged_at=now - timedelta(days=5),
            created_at=now - timedelta(days=6),
        )

    def _write(
        self,
        people: list[PersonSpec],
        *,
        users: dict[str, int],
        done: set[str],
        with_persona: set[str],
        password: str,
        lookups: Lookups,
        now: datetime,
        today: date,
    ) -> int:
        """Insert one chunk of people: a few bulk statements per model."""
        new_users = [
            User(
                email=person.email,
                name=person.name,
                password=password,
                is_staff=person.is_staff,
                is_superuser=person.is_staff,
                date_joined=now,
            )
            for person in people
            if person.email not in users
        ]
        User.objects.bulk_create(new_users)
        users.update((user.email, user.pk) for user in new_users)
        # Verified addresses, so demo log-ins work even with mandatory verification.
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True)
                for user in new_users
            ],
            ignore_conflicts=True,
        )

        people = [person for person in people if person.email not in done]
        done.update(person.email for person in people)
        profiles = [
            Profile(
                user_id=users[person.email],
                industry_id=lookups.industries.get(person.industry or ""),
                paused_until=(
                    today + timedelta(days=person.paused_for_days)
                    if person.paused_for_days
                    else None
                ),
                onboarding_completed_at=now,
                **person.profile,
            )
            for person in people
        ]
        Profile.objects.bulk_create(profiles)

        languages, expertise, windows, industries = [], [], [], []
        industry_link = Profile.mentor_industries.through
        for person, profile in zip(people, profiles, strict=True):
            languages += [
                ProfileLanguage(
                    profile_id=profile.pk, language_id=lookups.languages[code], proficiency=level
                )
                for code, level in person.languages
                if code in lookups.languages
            ]
            expertise += [
                Expertise(profile_id=profile.pk, skill_id=skill_id, level=level)
                for name, level in person.expertise
                if (skill_id := lookups.skill(name)) is not None
            ]
            windows += [
                AvailabilityWindow(
                    profile_id=profile.pk,
                    weekday=window.weekday,
                    start_minute=window.start_minute,
                    end_minute=window.end_minute,
                )
                for window in person.windows
            ]
            industries += [
                industry_link(profile_id=profile.pk, industry_id=lookups.industries[name])
                for name in person.mentor_industries
                if name in lookups.industries
            ]
        ProfileLanguage.objects.bulk_create(languages)
        Expertise.objects.bulk_create(expertise)
        AvailabilityWindow.objects.bulk_create(windows)
        industry_link.objects.bulk_create(industries)

        self._write_goals(people, users=users, lookups=lookups, now=now, today=today)
        self._write_personas(
            [p for p in people if p.persona and p.email not in with_persona],
            users=users,
            lookups=lookups,
        )
        return len(new_users)

    def _write_goals(
        self,
        people: list[PersonSpec],
        *,
        users: dict[str, int],
        lookups: Lookups,
        now: datetime,
        today: date,
    ) -> None:
        specs = [(person, goal) for person in people for goal in person.goals]
        goals = [
            Goal(
                owner_id=users[person.email],
                title=goal.title,
                description=goal.description,
                why_it_matters=goal.why,
                target_date=today + timedelta(days=goal.target_in_days),
                priority=goal.priority,
                status=goal.status,
                achieved_at=(
                    now - timedelta(days=2) if goal.status == Goal.Status.ACHIEVED else None
                ),
                created_at=now - timedelta(days=goal.created_days_ago),
            )
            for person, goal in specs
        ]
        Goal.objects.bulk_create(goals)
        skill_link = Goal.skills.through
        milestones, skills = [], []
        for (_, spec), goal in zip(specs, goals, strict=True):
            milestones += [
                Milestone(
                    goal_id=goal.pk,
                    title=title,
                    due_date=today + timedelta(days=due),
                    done_at=None if done_ago is None else now - timedelta(days=done_ago),
                    created_at=goal.created_at,
                )
                for title, due, done_ago in spec.milestones
            ]
            skills += [
                skill_link(goal_id=goal.pk, skill_id=skill_id)
                for name in spec.skills
                if (skill_id := lookups.skill(name)) is not None
            ]
        Milestone.objects.bulk_create(milestones)
        skill_link.objects.bulk_create(skills)

    def _write_personas(
        self, people: list[PersonSpec], *, users: dict[str, int], lookups: Lookups
    ) -> None:
        specs = [(person, person.persona) for person in people if person.persona]
        personas = [
            Persona(
                owner_id=users[person.email],
                min_years_experience=spec.min_years_experience,
                seniority=spec.seniority,
                traits=spec.traits,
                formats=spec.formats,
                frequency=spec.frequency,
                min_shared_hours=spec.min_shared_hours,
                ideal_mentor=spec.ideal_mentor,
            )
            for person, spec in specs
        ]
        Persona.objects.bulk_create(personas)
        industry_link = Persona.industries.through
        language_link = Persona.languages.through
        skills, industries, languages = [], [], []
        for (_, spec), persona in zip(specs, personas, strict=True):
            skills += [
                PersonaSkill(persona_id=persona.pk, skill_id=skill_id, importance=importance)
                for name, importance in spec.skills
                if (skill_id := lookups.skill(name)) is not None
            ]
            industries += [
                industry_link(persona_id=persona.pk, industry_id=lookups.industries[name])
                for name in spec.industries
                if name in lookups.industries
            ]
            languages += [
                language_link(persona_id=persona.pk, language_id=lookups.languages[code])
                for code in spec.languages
                if code in lookups.languages
            ]
        PersonaSkill.objects.bulk_create(skills)
        industry_link.objects.bulk_create(industries)
        language_link.objects.bulk_create(languages)

    def _print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD})")
        self.stdout.write("  admin@example.com   staff: /admin/ and everything else")
        self.stdout.write("  mentee@example.com  a mentee, well matched with mentor@")
        self.stdout.write("  mentor@example.com  a mentor, already mentoring a generated mentee")
        self.stdout.write(f"  {COORDINATOR}  a program admin: runs programmes in /admin/")
        self.stdout.write(
            "  (the Spring 2027 cohort is empty: import matching/fixtures/sample_cohort.csv)"
        )
        mentors = User.objects.filter(email__regex=r"^mentor[0-9]+@example\.com$").count()
        mentees = User.objects.filter(email__regex=r"^mentee[0-9]+@example\.com$").count()
        if mentors:
            self.stdout.write(f"  mentor1@example.com … mentor{mentors}@example.com")
        if mentees:
            self.stdout.write(f"  mentee1@example.com … mentee{mentees}@example.com")

    def _seed_coordinator(self, password: str, now: datetime, *, users: dict[str, int]) -> int:
        """coordinator@: staff in the Program admin group, not a superuser; 1 when new."""
        from django.contrib.auth.models import Group

        from mentorship.roles import PROGRAM_ADMIN_GROUP, ensure_program_admin_group

        if COORDINATOR in users:
            return 0
        # migrate made the group; it is only made here when someone deleted it.
        group = Group.objects.filter(name=PROGRAM_ADMIN_GROUP).first()
        coordinator = User.objects.create(
            email=COORDINATOR,
            name="Cora Coordinator",
            password=password,
            is_staff=True,
            date_joined=now,
        )
        coordinator.groups.add(group or ensure_program_admin_group())
        # Verified like the other demo accounts, so she logs in where verification is mandatory.
        EmailAddress.objects.create(
            user=coordinator, email=COORDINATOR, verified=True, primary=True
        )
        return 1


# A program admin to try the admin as the people who run programmes see it.
COORDINATOR = "coordinator@example.com"
