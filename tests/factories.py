"""factory_boy factories for the people and accounts the tests talk about."""

from datetime import datetime
from zoneinfo import ZoneInfo

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
    last_name = "試験"
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
    display_name = factory.Sequence(lambda n: f"{settings.CITY_NAME}テスト{n}")  # the profile's city
    profile_url = factory.LazyAttribute(lambda o: o.platform.profile_url_for(o.handle))
    profile_operator = factory.LazyFunction(lambda: settings.CITY_NAME)
    profile_purpose = "市政情報をお届けします。"
    manager = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))
    content_categories = factory.LazyFunction(lambda: [ContentCategory.GENERAL])
    registered_email = factory.Sequence(lambda n: f"sns{n}@{settings.CITY_EMAIL_DOMAIN}")
    status = AccountStatus.ACTIVE

    @factory.post_generation
    def registered_at(self, create, extracted, **kwargs):
        """The city's accounts have existed for years: registered in 令和2年度 unless a test says when."""
        if not create:
            return
        when = extracted or datetime(2020, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
        OfficialAccount.objects.filter(pk=self.pk).update(created_at=when)
        self.created_at = when


def complete_request_fields(manager, *, handle: str = "komae_kids_line", platform_code: str = "line") -> dict:
    """Every field a new-account request needs for submission (the 第４号様式 and the policy)."""
    from datetime import date

    return {
        "platform": platform(platform_code),
        "field": "children",
        "desired_handle": handle,
        "display_name": "こまえ子育てLINE",
        "reuse_fits": "no",
        "reuse_fits_reason": "子育て世帯に個別の通知が必要で、市公式LINEの配信では届け分けができないため。",
        "reuse_too_light": "no",
        "reuse_too_light_reason": "毎週の健診・予防接種の案内があり、軽微ではないため。",
        "reuse_crowds": "yes",
        "reuse_crowds_reason": "週3回の配信は市公式アカウントの配信を圧迫するため。",
        "title": "子育て情報LINEアカウントの開設",
        "purpose": "子育て世帯に健診・予防接種・子育て支援の情報を届ける。",
        "audience": "市内の子育て世帯",
        "content": "健診・予防接種の案内、子育てイベント、災害時の子ども向け情報",
        "frequency": "週2〜3回",
        "start_on": date(2027, 4, 1),
        "cost": "なし（無料の範囲で運用）",
        "personal_data": "取り扱わない（個別の相談には応じない）",
        "security": "二段階認証、端末の限定、パスワードの定期変更",
        "linked_apps": "なし",
        "manager": manager,
        "content_categories": ["general", "disaster"],
        "content_notes": "",
        "restrict_follow": True,
        "restrict_reply": True,
        "restrict_contact": True,
        "tone": "friendly",
        "approval_required": True,
        "registered_email": f"kosodate-line@{settings.CITY_EMAIL_DOMAIN}",
    }
