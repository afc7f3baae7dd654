"""factory_boy factories for the people and accounts the tests talk about."""

import factory
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.models import AccountStatus, ContentCategory, OfficialAccount, Platform
from org.models import Department, User

PASSWORD = "test-pass-komae-2026"


class BuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}部")
    kind = Department.Kind.BU


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"K{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}課")
    kind = Department.Kind.KA
    parent = factory.SubFactory(BuFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "狛江"
    first_name = factory.Sequence(lambda n: f"太郎{n}")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
            self._role_cache = None


def platform(code: str = "x") -> Platform:
    """Return a platform seeded by the migration (X, Facebook, Instagram, …)."""
    return Platform.objects.get(code=code)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialAccount
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    platform = factory.LazyFunction(platform)
    handle = factory.Sequence(lambda n: f"komae_test{n}")
    display_name = factory.Sequence(lambda n: f"狛江市テスト{n}")
    profile_url = factory.LazyAttribute(lambda o: o.platform.profile_url_for(o.handle))
    profile_operator = "狛江市"
    profile_purpose = "市政情報をお届けします。"
    manager = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))
    content_categories = factory.LazyFunction(lambda: [ContentCategory.GENERAL])
    registered_email = factory.Sequence(lambda n: f"sns{n}@{settings.CITY_EMAIL_DOMAIN}")
    status = AccountStatus.ACTIVE
