"""Named people per role (Healthchecks' alice/bob): 課A and 課B, the committee, the officers."""

import pytest
from django.conf import settings
from django.core.cache import cache

from accounts.models import AccountStatus, Platform
from komae_sns.city import BUNDLED as BUNDLED_PROFILE
from komae_sns.city import load_profile
from org.roles import Role
from tests.factories import AccountFactory, BuFactory, DepartmentFactory, UserFactory
from tests.page_platform import PAGE_HOST, PAGE_PLATFORM


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's cost is a production feature; in tests it would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


KAKUUNO = BUNDLED_PROFILE.parent / "kakuuno.toml"  # the shipped fictional second city (issue 15)


@pytest.fixture
def another_city(settings):
    """The second city's profile in force, as its settings would be at start-up. Request it before
    the fixtures that make data, so that they are made in its name."""
    city = load_profile(KAKUUNO)
    settings.CITY = city
    settings.CITY_NAME = city.name
    settings.CITY_EMAIL_DOMAIN = city.email_domain
    settings.CITY_HOMEPAGE_URL = city.homepage_url
    settings.REVIEW_OPENS_MONTH = city.review_opens_month
    settings.SUSPENSION_IMPACT_LEVELS = [(level.below, level.label, level.notice_days) for level in city.impact_levels]
    settings.DEFAULT_FROM_EMAIL = f"sns-kanri@{city.email_domain}"
    return city


@pytest.fixture
def another_city_data(another_city, db):
    """…and its SNS and policy template in the database, as `apply_city_profile --policy-template`
    leaves a database migrated under Komae's profile."""
    from core.audit import Job
    from portal.city_profile import apply_profile

    apply_profile(actor=Job.PROFILE_COMMAND, revise_policy_template=True)
    return another_city


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Stored PDFs and uploads go to a per-test folder, never into the work tree.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True, scope="session")
def _reload_seed_data_past_the_triggers():
    """serialized_rollback reloads the migrations' rows (platforms, the 見本 template, its first
    revision) after a transactional test's flush. The serializer rounds timestamps to milliseconds,
    which would read as a rewrite of a fixed row (core/protect.py): restoring is not rewriting.

    The rows go back one INSERT per model instead of Django's UPDATE-then-INSERT per row (~240 rows,
    0.3 s before every transactional test), as raw saves with their signals."""
    import pgtrigger
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize(self, data):
        with pgtrigger.ignore(databases=[self.connection.alias] if self.connection.vendor == "postgresql" else []):
            if not _reload_rows(self.connection, data):
                original(self, data)  # rows already there (the first such test): Django's UPDATE-or-INSERT

    BaseDatabaseCreation.deserialize_db_from_string = deserialize
    yield
    BaseDatabaseCreation.deserialize_db_from_string = original


def _reload_rows(connection, data: str) -> bool:
    """BaseDatabaseCreation.deserialize_db_from_string into empty tables (after a flush), with the rows
    of a model in one bulk INSERT; False, having written nothing, when a table has rows already."""
    from io import StringIO
    from itertools import groupby

    from django.core import serializers
    from django.db import transaction
    from django.db.models.signals import post_save, pre_save

    alias = connection.alias
    objects = list(serializers.deserialize("json", StringIO(data), using=alias))
    tables = {type(deserialized.object)._meta.db_table for deserialized in objects}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {quote(table)})" for table in sorted(tables)))
        if cursor.fetchone()[0]:
            return False
    with transaction.atomic(using=alias):
        with connection.constraint_checks_disabled():
            for model, group in groupby(objects, key=lambda deserialized: type(deserialized.object)):
                rows = list(group)
                if model._meta.parents:  # a multi-table child: bulk_create cannot write it
                    for row in rows:
                        row.save(using=alias)
                    continue
                for row in rows:
                    pre_save.send(sender=model, instance=row.object, raw=True, using=alias, update_fields=None)
                # What Model.save_base(raw=True) runs per row, for all of them: values as serialized
                # (no auto_now), primary keys included.
                fields = model._meta.local_concrete_fields
                size = connection.ops.bulk_batch_size(fields, rows) or len(rows)
                for start in range(0, len(rows), size):
                    batch = [row.object for row in rows[start : start + size]]
                    model._base_manager.using(alias)._insert(batch, fields=fields, raw=True, using=alias)
                for row in rows:
                    row.object._state.adding, row.object._state.db = False, alias
                    post_save.send(
                        sender=model, instance=row.object, created=True, raw=True, using=alias, update_fields=None
                    )
                    for accessor, related in (row.m2m_data or {}).items():
                        getattr(row.object, accessor).set(related)
        connection.check_constraints(table_names=tables)
    return True


@pytest.fixture(autouse=True, scope="session")
def _flush_by_delete():
    """The flush after a transactional test empties every table with DELETE instead of TRUNCATE, on
    PostgreSQL when the suite connects as a superuser (as `make test` does): TRUNCATE makes new files
    for each of the 40-odd tables and took 0.2–0.5 s a test; DELETE of their few rows takes
    milliseconds. The session skips the triggers (those that keep records and record changes, and the
    foreign keys') for this one transaction, as TRUNCATE skips row triggers."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    superuser = {}

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        alias = self.connection.alias
        if alias not in superuser:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('is_superuser') = 'on'")
                superuser[alias] = cursor.fetchone()[0]
        if not tables or reset_sequences or allow_cascade or not superuser[alias]:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        # execute_sql_flush runs these in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}" for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _tasks_run_in_place(request):
    """A task the code under test queues (a mail, a check) runs at once, in the test; the tests marked
    `integration` run theirs on a real worker through the real broker instead."""
    from komae_sns.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = False, False


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login throttling and heartbeats live in the cache (Redis in the suite); start each test clean.
    cache.clear()
    yield


@pytest.fixture
def bu(db):
    return BuFactory(code="B01", name="児童青少年部")


@pytest.fixture
def dept_a(bu):
    return DepartmentFactory(code="KA", name="子ども政策課", parent=bu)


@pytest.fixture
def dept_b(db):
    return DepartmentFactory(code="KB", name="環境政策課", parent=BuFactory(code="B02", name="市民生活部"))


def _user(username, department, *roles):
    return UserFactory(username=username, department=department, roles=list(roles))


@pytest.fixture
def staff_a(dept_a):
    return _user("staff_a", dept_a, Role.STAFF)


@pytest.fixture
def head_a(dept_a):
    return _user("head_a", dept_a, Role.SECTION_HEAD)


@pytest.fixture
def staff_b(dept_b):
    return _user("staff_b", dept_b, Role.STAFF)


@pytest.fixture
def head_b(dept_b):
    return _user("head_b", dept_b, Role.SECTION_HEAD)


@pytest.fixture
def contractor(db):
    return _user("contractor", None, Role.CONTRACTOR)


@pytest.fixture
def member(dept_b):
    return _user("member", dept_b, Role.COMMITTEE)


@pytest.fixture
def chair(dept_b):
    return _user("chair", dept_b, Role.COMMITTEE_CHAIR, Role.COMMITTEE)


@pytest.fixture
def security_officer(dept_b):
    return _user("security_officer", dept_b, Role.SECURITY_OFFICER)


@pytest.fixture
def pr_officer(dept_b):
    return _user("pr_officer", dept_b, Role.PR_OFFICE)


@pytest.fixture
def admin(dept_b):
    return _user("admin", dept_b, Role.SYSADMIN)


@pytest.fixture
def people(staff_a, head_a, staff_b, head_b, contractor, member, chair, security_officer, pr_officer, admin):
    """Every named person by name: the rows of the permission tests (`who_may`, `refused`)."""
    return {
        user.username: user
        for user in (staff_a, head_a, staff_b, head_b, contractor, member, chair, security_officer, pr_officer, admin)
    }


def who_may(people, ask) -> set[str]:
    """The names of the people for whom `ask(user)` (a `can_…` of a permissions.py) says yes."""
    return {name for name, user in people.items() if ask(user)}


def refused(people, ensure) -> dict[str, str]:
    """{name: the message they read} for the people whom `ensure(user)` (an `ensure_can_…`) refuses."""
    from django.core.exceptions import PermissionDenied

    messages = {}
    for name, user in people.items():
        try:
            ensure(user)
        except PermissionDenied as refusal:
            messages[name] = str(refusal)
    return messages


@pytest.fixture
def account_a(dept_a, head_a):
    """An 運用中 account of 課A, managed by its 課長."""
    return AccountFactory(department=dept_a, manager=head_a, handle="komae_kodomo", display_name="こまえ子ども")


@pytest.fixture
def pr_account(dept_b, head_b):
    """The city's PR account, where suspended accounts send their followers (G-4-5-ウ)."""
    return AccountFactory(department=dept_b, manager=head_b, handle="komae_city", display_name=settings.CITY_NAME)


@pytest.fixture
def preparing_a(dept_a, head_a):
    """An account in 開設準備 with its policy enacted, as the committee's approval leaves it (G-4-2-イ)."""
    account = AccountFactory(department=dept_a, manager=head_a, handle="komae_junbi", status=AccountStatus.PREPARING)
    return enact_policy(account, head_a)


def enact_policy(account, actor):
    """Version 1 of the account's 運用ポリシー, from the template (what 運用開始 requires)."""
    from datetime import date

    from policies import services as policies

    policies.policy_draft_start(account_id=account.pk, actor=actor)
    policies.policy_issue(account_id=account.pk, actor=actor, issued_on=date(2026, 4, 1))
    return account


@pytest.fixture
def page_platform(db):
    """まちSNS: a platform the city added that has no status-check adapter of its own; its accounts are
    read from their public profile page (tests/page_platform.py has its helpers)."""
    return Platform.objects.create(
        code=PAGE_PLATFORM,
        name="まちSNS",
        hosts=PAGE_HOST,
        profile_url_template=f"https://{PAGE_HOST}/{{handle}}",
        sort_order=99,
    )
