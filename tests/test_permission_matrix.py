"""Every URL × every role (and anonymous) → the expected answer, generated from the URL conf.

A new view without a row in RULES fails `test_every_url_has_a_rule`, so nobody can add a page and
forget to decide who may open it.
"""

import shutil
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import services as account_services
from accounts.models import AccountStatus
from approvals import services as approval_services
from komae_sns.celery import app
from monitoring import credentials as monitoring_credentials
from monitoring import incidents as monitoring_incidents
from monitoring import services as monitoring_services
from org.roles import Role
from policies import services as policy_services
from tests.conftest import _user, enact_policy
from tests.factories import AccountFactory, BuFactory, DepartmentFactory, complete_request_fields
from tests.monitoring.test_reviews import complete_review

PEOPLE = [
    "anonymous",
    "staff_a",
    "head_a",
    "staff_b",
    "head_b",
    "contractor",
    "member",
    "chair",
    "security_officer",
    "pr_officer",
    "admin",
]
LOGIN = "login"  # a redirect to the login page
PUBLIC = dict.fromkeys(PEOPLE, 200)
ANY_USER = {"anonymous": LOGIN, **dict.fromkeys(PEOPLE[1:], 200)}


def _rule(default, **overrides):
    row = {"anonymous": LOGIN, **dict.fromkeys(PEOPLE[1:], default)}
    row.update(overrides)
    return row


# Who sees 課A's account: its own 課, the roles that see all (SPEC §1), the contractor assigned to it.
SEES_A = {"staff_a": 200, "head_a": 200, "member": 200, "chair": 200, "security_officer": 200, "admin": 200}

SEES_A_403 = dict.fromkeys(SEES_A, 403)

# url name → (method, kwargs builder name, {person: expected status or LOGIN})
RULES = {
    "dashboard": ("get", None, ANY_USER),
    "healthz": ("get", None, PUBLIC),
    "notices": ("get", None, ANY_USER),
    "notices_read_all": ("post", None, _rule(302)),
    "notice": ("get", "notice", _rule(404, head_a=302)),
    "login": ("get", None, {"anonymous": 200, **dict.fromkeys(PEOPLE[1:], 302)}),
    "logout": ("post", None, dict.fromkeys(PEOPLE, 302)),
    "password_change": ("get", None, ANY_USER),
    "password_change_done": ("get", None, ANY_USER),
    "accounts:list": ("get", None, ANY_USER),
    "accounts:create": (
        "get",
        None,
        _rule(403, staff_a=200, head_a=200, staff_b=200, head_b=200, admin=200, pr_officer=403),
    ),
    "accounts:detail": ("get", "account", _rule(404, **SEES_A, contractor=200)),
    "accounts:edit": (
        "get",
        "account",
        _rule(404, staff_a=200, head_a=200, admin=200, member=403, chair=403, security_officer=403, contractor=403),
    ),
    # POST with an empty form: the allowed get the page again, the form's errors beside its fields (200);
    # the others are refused before the form is read.
    "accounts:followers": (
        "post",
        "account",
        _rule(404, staff_a=200, head_a=200, admin=200, contractor=200, member=403, chair=403, security_officer=403),
    ),
    "monitoring:check_now": (
        "post",
        "incident_new",
        _rule(404, staff_a=302, head_a=302, admin=302, member=403, chair=403, security_officer=403, contractor=403),
    ),
    "accounts:transition": (
        "get",
        "transition",
        _rule(404, head_a=200, admin=200, staff_a=403, member=403, chair=403, security_officer=403),
    ),
    # The 課長 (or the sysadmin) approves a 担当職員's change of what the public sees (SPEC §8).
    "accounts:public_change": (
        "post",
        "public_change",
        _rule(404, **{**SEES_A_403, "head_a": 302, "admin": 302, "contractor": 403}),
    ),
    "policies:overview": ("get", "account", _rule(404, **SEES_A, contractor=200)),
    "policies:draft": (
        "get",
        "account",
        _rule(404, staff_a=200, head_a=200, admin=200, member=403, chair=403, security_officer=403, contractor=403),
    ),
    "policies:draft_start": (
        "post",
        "account",
        _rule(404, staff_a=302, head_a=302, admin=302, member=403, chair=403, security_officer=403, contractor=403),
    ),
    "policies:draft_pdf": ("get", "account", _rule(404, **SEES_A, contractor=200)),
    "policies:issue": (
        "get",
        "account",
        _rule(404, head_a=200, admin=200, staff_a=403, member=403, chair=403, security_officer=403, contractor=403),
    ),
    "policies:version": ("get", "version", _rule(404, **SEES_A, contractor=200)),
    "policies:version_pdf": ("get", "version", _rule(404, **SEES_A, contractor=200)),
    "approvals:list": ("get", None, ANY_USER),
    "approvals:create": ("get", None, _rule(403, staff_a=200, head_a=200, staff_b=200, head_b=200)),
    "approvals:detail": ("get", "request", _rule(404, **SEES_A)),
    "approvals:edit": (
        "get",
        "request",
        _rule(404, staff_a=302, head_a=302, member=403, chair=403, security_officer=403, admin=403),
    ),
    "approvals:submit": ("get", "request", _rule(404, **{**SEES_A_403, "head_a": 302})),
    "approvals:ask_submission": ("post", "request", _rule(404, **{**SEES_A_403, "staff_a": 302})),
    # An empty vote or comment: the request's page again with the form's errors (200), as for followers.
    "approvals:vote": ("post", "request", _rule(404, **{**SEES_A_403, "member": 200, "chair": 200})),
    "approvals:comment": ("post", "request", _rule(404, **{**SEES_A_403, "member": 200, "chair": 200})),
    "approvals:decide": ("get", "request", _rule(404, **{**SEES_A_403, "chair": 200})),
    "approvals:form4_pdf": ("get", "request", _rule(404, **SEES_A)),
    "monitoring:reviews": ("get", None, ANY_USER),
    "monitoring:dashboard": ("get", None, ANY_USER),
    "monitoring:report_pdf": ("get", None, ANY_USER),
    "monitoring:review_start": (
        "post",
        "review_start",
        _rule(404, **{**SEES_A_403, "staff_a": 302, "head_a": 302, "contractor": 403}),
    ),
    "monitoring:review": ("get", "review", _rule(404, **SEES_A, contractor=200)),
    "monitoring:plan_create": (
        "get",
        "review",
        _rule(404, **{**SEES_A_403, "head_a": 200, "admin": 200, "contractor": 403}),
    ),
    "monitoring:plan": ("get", "plan", _rule(404, **SEES_A, contractor=200)),
    # The result of a 今すぐ確認 (issue 15): whoever sees the account's page and its status checks.
    "monitoring:check_result": ("get", "check_result", _rule(404, **SEES_A, contractor=200)),
    "monitoring:incidents": ("get", None, ANY_USER),
    "monitoring:incident_new": ("get", "incident_new", _rule(404, **SEES_A, contractor=200)),
    "monitoring:incident": ("get", "incident", _rule(404, **SEES_A, contractor=200)),
    "monitoring:incident_act": (
        "post",
        "incident_act",
        _rule(404, staff_a=302, head_a=302, admin=302, security_officer=302, member=403, chair=403, contractor=403),
    ),
    "monitoring:evidence": ("get", "evidence", _rule(404, **SEES_A, contractor=200)),
    # G-4-3-ア: the 管理者 and the 課's staff log the content check; the others are refused.
    "monitoring:content_check": (
        "post",
        "incident_new",
        _rule(404, **{**SEES_A_403, "staff_a": 302, "head_a": 302, "contractor": 403}),
    ),
    # The API tokens of the status checks (issue 13): the sysadmin alone. An empty registration
    # comes back with the form's errors (200).
    "monitoring:credentials": ("get", None, _rule(403, admin=200)),
    "monitoring:credential_register": ("post", None, _rule(403, admin=200)),
    "monitoring:credential_retire": ("post", "credential", _rule(403, admin=302)),
    "screening:screen": ("get", None, ANY_USER),
    "screening:records": ("get", None, ANY_USER),
    "screening:api": ("post", None, _rule(400)),
    "org:lockouts": ("get", None, _rule(403, security_officer=200, admin=200)),
    "org:lockout_release": ("post", None, _rule(403, admin=302)),
    "registry:list": ("get", None, PUBLIC),
    "registry:verify": ("get", None, PUBLIC),
    "registry:json": ("get", None, PUBLIC),
    "registry:csv": ("get", None, PUBLIC),
}
# Django admin is for the sysadmin role (org.admin_site); its index stands for all its pages here.
ADMIN_RULE = {**dict.fromkeys(PEOPLE, 302), "admin": 200}


def _url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            ns = p.namespace or namespace
            yield from _url_names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_url_has_a_rule():
    names = set(_url_names())
    assert names - set(RULES) == set(), "a view without a permission rule: add it to RULES"
    assert set(RULES) - names == set(), "a rule for a URL that no longer exists"


def _submitted_request(department, head):
    request = approval_services.request_create(actor=head, fields=complete_request_fields(head, handle="komae_new"))
    return approval_services.request_submit(request_id=request.pk, actor=head)


def _build_world(account_a, preparing_a, contractor, head_a, staff_a, pr_account, admin):
    account_a.contractors.add(contractor)
    policy_services.policy_draft_start(account_id=account_a.pk, actor=head_a)
    version = policy_services.policy_issue(account_id=account_a.pk, actor=head_a, issued_on=date(2026, 4, 1))
    submitted = _submitted_request(account_a.department, head_a)
    review = monitoring_services.review_start(account_id=account_a.pk, actor=head_a, fiscal_year=2025)
    monitoring_services.review_update(
        review_id=review.pk, actor=head_a, fields=complete_review(pr_account, "consider_suspension")
    )
    monitoring_services.review_sign_off(review_id=review.pk, actor=head_a)
    plan = monitoring_services.suspension_plan_create(
        review_id=review.pk, actor=head_a, reason="集約のため", notice_starts_on=date(2026, 4, 1)
    )
    incident = monitoring_incidents.incident_open(
        account_id=account_a.pk, actor=head_a, kind="hijack", title="心当たりのない投稿"
    )
    proposal = account_services.account_update(
        account_id=account_a.pk, actor=staff_a, fields={"display_name": "こまえ子ども応援団"}
    ).proposal
    png = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    evidence = monitoring_incidents.evidence_add(incident_id=incident.pk, actor=head_a, upload=png)
    credential = monitoring_credentials.credential_register(
        actor=admin, platform_id=account_a.platform_id, token="matrix-" + "t" * 40, kind="bearer_token", expires_on=None
    )
    return {
        "credential": {"pk": credential.pk},
        "incident": {"pk": incident.pk},
        "notice": {"pk": head_a.notices.first().pk},
        "public_change": {"pk": account_a.pk, "change_pk": proposal.pk, "action": "approve"},
        "incident_new": {"account_pk": account_a.pk},
        "check_result": {"account_pk": account_a.pk, "run": "1c4f6a52-8f1e-4d7e-9a0b-3e5d2c1b0a99"},
        "incident_act": {"pk": incident.pk, "action": "escalate"},
        "evidence": {"pk": evidence.pk},
        "review_start": {"account_pk": account_a.pk, "fy": 2026},
        "review": {"pk": review.pk},
        "plan": {"pk": plan.pk},
        "request": {"pk": submitted.pk},
        "account": {"pk": account_a.pk},
        "version": {"pk": account_a.pk, "number": version.number},
        # The transition page that 課A's 課長 may open: 運用開始 of an account in 開設準備.
        "transition": {"pk": preparing_a.pk, "action": "activate"},
    }


OUR_APPS = ("core", "org", "accounts", "approvals", "policies", "monitoring", "screening")


def _everything_kept() -> str:
    """Every row of our apps (the audit trail included), serialised: the state a refusal must not change."""
    from django.apps import apps
    from django.core import serializers

    models = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


def _build_people_and_world() -> tuple[dict, dict]:
    """The named people of tests/conftest.py, made as its fixtures make them, and the world.

    The world is built from the people the old per-test fixture asked for, in its order; the people
    it does not use are added after it, as the test added the one it signed in as.
    """
    bu = BuFactory(code="B01", name="児童青少年部")
    dept_a = DepartmentFactory(code="KA", name="子ども政策課", parent=bu)
    head_a = _user("head_a", dept_a, Role.SECTION_HEAD)
    account_a = AccountFactory(department=dept_a, manager=head_a, handle="komae_kodomo", display_name="こまえ子ども")
    preparing_a = enact_policy(
        AccountFactory(department=dept_a, manager=head_a, handle="komae_junbi", status=AccountStatus.PREPARING),
        head_a,
    )
    contractor = _user("contractor", None, Role.CONTRACTOR)
    staff_a = _user("staff_a", dept_a, Role.STAFF)
    dept_b = DepartmentFactory(code="KB", name="環境政策課", parent=BuFactory(code="B02", name="市民生活部"))
    head_b = _user("head_b", dept_b, Role.SECTION_HEAD)
    pr_account = AccountFactory(department=dept_b, manager=head_b, handle="komae_city", display_name=settings.CITY_NAME)
    admin = _user("admin", dept_b, Role.SYSADMIN)
    world = _build_world(account_a, preparing_a, contractor, head_a, staff_a, pr_account, admin)
    people = {
        "anonymous": None,
        "staff_a": staff_a,
        "head_a": head_a,
        "staff_b": _user("staff_b", dept_b, Role.STAFF),
        "head_b": head_b,
        "contractor": contractor,
        "member": _user("member", dept_b, Role.COMMITTEE),
        "chair": _user("chair", dept_b, Role.COMMITTEE_CHAIR, Role.COMMITTEE),
        "security_officer": _user("security_officer", dept_b, Role.SECURITY_OFFICER),
        "pr_officer": _user("pr_officer", dept_b, Role.PR_OFFICE),
        "admin": admin,
    }
    return people, world


@pytest.fixture(scope="class")
def _shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The people and the world, built once per class instead of once per test (it took ~0.1 s, and
    the matrix has 600+ cases), in a transaction that is rolled back when the class is done.

    Each test still starts from exactly this state: pytest-django's `db` runs it in a savepoint inside
    that transaction and rolls the savepoint back afterwards, as Django's TestCase.setUpTestData does.
    The build runs under what the autouse fixtures of tests/conftest.py give a test (fast hashing,
    tasks run in place, media in a temporary folder); `world` copies that media into the test's own.
    """
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        eager = app.conf.task_always_eager, app.conf.task_eager_propagates
        app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=media
            ):
                people, world = _build_people_and_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
        finally:
            app.conf.task_always_eager, app.conf.task_eager_propagates = eager
    try:
        yield {"people": people, "world": world, "media": media}
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_shared_world, db, settings):
    shutil.copytree(_shared_world["media"], settings.MEDIA_ROOT, dirs_exist_ok=True)
    return _shared_world["world"]


@pytest.fixture
def people(_shared_world, db):
    return _shared_world["people"].__getitem__


CASES = [(name, person) for name in RULES for person in PEOPLE]


class TestEveryRole:
    """The cases share one world per class (`_shared_world`); each runs in its own savepoint."""

    @pytest.mark.parametrize(("url_name", "person"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
    def test_permission_matrix(self, client, world, people, url_name, person):
        method, kwargs_name, expected_by_person = RULES[url_name]
        user = people(person)
        if user is not None:
            client.force_login(user)
        url = reverse(url_name, kwargs=world[kwargs_name] if kwargs_name else None)
        expected = expected_by_person[person]
        refused_post = method == "post" and expected in (403, 404)
        before = _everything_kept() if refused_post else None
        response = getattr(client, method)(url)
        if refused_post:
            # Refused is refused: no record and no audit row written, not even in part.
            assert _everything_kept() == before, f"{person} → {url_name}: a refused POST changed data"
        if expected == LOGIN:
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
        else:
            assert response.status_code == expected, f"{person} → {url_name}: {response.status_code}"

    @pytest.mark.parametrize("person", PEOPLE)
    def test_admin_only_for_the_sysadmin(self, client, world, people, person):
        user = people(person)
        if user is not None:
            client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == ADMIN_RULE[person]


def test_contractor_sees_only_assigned_accounts(client, contractor, account_a, dept_a, head_a):
    """G-4-1: a contractor (委託業者) sees and works only on the accounts assigned to it."""
    other = AccountFactory(department=dept_a, manager=head_a, status=AccountStatus.ACTIVE)
    account_a.contractors.add(contractor)
    client.force_login(contractor)
    assert client.get(reverse("accounts:detail", args=[account_a.pk])).status_code == 200
    assert client.get(reverse("accounts:detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("accounts:list")).content.decode()
    assert account_a.display_name in listing
    assert other.display_name not in listing
