"""Every page template renders for the people who open it, with 和暦 and no missing variables."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import AccountStatus, OfficialAccount
from org.models import Department
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended_a(dept_a, head_a, pr_account):
    return AccountFactory(
        department=dept_a,
        manager=head_a,
        status=AccountStatus.SUSPENDED,
        suspension_reason="集約のため",
        suspended_on="2026-03-31",
        successor=pr_account,
    )


@pytest.mark.smoke
def test_every_screen_renders(client, admin, account_a, preparing_a, suspended_a):
    client.force_login(admin)
    urls = [
        reverse("dashboard"),
        reverse("accounts:list"),
        reverse("accounts:create"),
        reverse("accounts:detail", args=[account_a.pk]),
        reverse("accounts:detail", args=[suspended_a.pk]),
        reverse("accounts:edit", args=[account_a.pk]),
        reverse("accounts:transition", args=[preparing_a.pk, "activate"]),
        reverse("accounts:transition", args=[account_a.pk, "announce_suspension"]),
        reverse("accounts:transition", args=[suspended_a.pk, "close"]),
        reverse("password_change"),
        reverse("registry:list"),
        reverse("registry:verify") + "?q=@komae_kodomo",
        reverse("org:lockouts"),
        reverse("platforms:credentials"),
        reverse("admin:platforms_apicredential_changelist"),
        reverse("admin:index"),
        reverse("admin:accounts_officialaccount_changelist"),
        reverse("admin:org_user_changelist"),
        reverse("admin:org_department_changelist"),
        reverse("admin:accounts_platform_changelist"),
        reverse("admin:approvals_accountrequest_changelist"),
        reverse("admin:reviews_yearendreview_changelist"),
        reverse("admin:monitoring_incident_changelist"),
        reverse("admin:monitoring_statuscheck_changelist"),
        reverse("admin:reviews_suspensionplan_changelist"),
        reverse("admin:screening_dictionaryterm_changelist"),
        reverse("admin:policies_policytemplate_changelist"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"None" not in response.content, url
    # The admin lists show their records, under the site's own header.
    for model, shown in ((OfficialAccount, account_a.display_name), (Department, account_a.department.name)):
        body = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")).content
        assert f"{settings.CITY_NAME} 公式SNSアカウント管理システム 管理画面".encode() in body
        assert str(model._meta.verbose_name_plural).encode() in body and shown.encode() in body


def test_the_error_pages_are_japanese(client, staff_b, account_a):
    client.force_login(staff_b)
    response = client.get(reverse("accounts:detail", args=[account_a.pk]))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
