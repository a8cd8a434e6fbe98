import factory

from profiles.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")


class SkillCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "profiles.SkillCategory"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "profiles.Skill"

    name = factory.Sequence(lambda n: f"Skill {n}")
    category = factory.SubFactory(SkillCategoryFactory)


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "profiles.Language"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"x{n}")
    name = factory.Sequence(lambda n: f"Language {n}")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "profiles.Industry"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Industry {n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "profiles.Goal"
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.skills.set(extracted)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "profiles.Milestone"

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
