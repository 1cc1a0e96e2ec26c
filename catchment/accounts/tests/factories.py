import factory
from allauth.account.models import EmailAddress

from catchment.accounts.models import Organisation, OrganisationType, Profile, ProfileVisibility, Theme, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member-{n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_es = factory.Sequence(lambda n: f"Tema {n}")
    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_ru = factory.Sequence(lambda n: f"Тема {n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Water Partnership {n}")
    slug = factory.Sequence(lambda n: f"water-partnership-{n}")
    type = OrganisationType.COUNTRY_PARTNERSHIP
    country = "KE"


class ProfileFactory(factory.django.DjangoModelFactory[Profile]):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    country = "KE"
    stakeholder_group = "government"
    visibility = ProfileVisibility.PUBLIC
