"""The app's database role cannot undo what protects the records (issue 20, item 9), on PostgreSQL.

deploy/database-roles.sql makes two roles: one owns the schema and runs `migrate` (MIGRATE_DATABASE_URL),
the app connects as the other with DML only. The tables whose rows are edited freely — who holds which
role (org_user_groups), who an account's contractors are, a template's current articles — keep a
record of every change, written by the database itself (core_tablechange).
"""

import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from accounts import services as accounts
from core.models import TableChange
from org.roles import Role
from policies import services as policies
from policies.models import PolicyTemplate

ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "deploy" / "database-roles.sql"
RECORDED = (
    "org_user_groups",
    "org_user_user_permissions",
    "accounts_officialaccount_contractors",
    "policies_templatearticle",
    "archive_retentiondecision_posts",  # which posts a 延長・廃棄 holds (issue 22)
    "discovery_candidate_reports",  # which residents' reports a lookalike candidate holds (issue 23)
)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own roles and rules")


# --- every change of the three tables is recorded by the database ----------------------------------


def changes(table: str) -> list[tuple]:
    return list(TableChange.objects.filter(table=table).order_by("pk").values_list("operation", "old_row", "new_row"))


@pytest.mark.django_db
def test_a_role_given_and_taken_back_is_recorded_also_in_raw_sql(staff_a):
    head = Group.objects.get(name=Role.SECTION_HEAD)
    staff_a.groups.add(head)
    with connection.cursor() as cursor:  # as an intruder with the app's connection would
        cursor.execute("DELETE FROM org_user_groups WHERE user_id = %s AND group_id = %s", [staff_a.pk, head.pk])
    recorded = [
        (op, (old or new)["group_id"])
        for op, old, new in changes("org_user_groups")
        if (old or new)["user_id"] == staff_a.pk
    ]
    assert recorded[-2:] == [("INSERT", head.pk), ("DELETE", head.pk)]
    change = TableChange.objects.filter(table="org_user_groups").order_by("pk").last()
    assert change.operation == "DELETE" and change.db_role == connection.settings_dict["USER"] and change.changed_at


@pytest.mark.django_db
def test_contractors_chosen_by_the_section_head_are_recorded(account_a, head_a, contractor):
    accounts.account_update(account_id=account_a.pk, actor=head_a, fields={}, contractors=[contractor])
    (op, old, new), *_ = [
        c for c in changes("accounts_officialaccount_contractors") if (c[2] or {}).get("user_id") == contractor.pk
    ]
    assert (op, old, new["officialaccount_id"]) == ("INSERT", None, account_a.pk)


@pytest.mark.django_db
def test_editing_a_templates_articles_still_works_and_is_recorded(admin):
    template = PolicyTemplate.objects.first()
    article = template.articles.first()
    article.body += "\n（追記）"
    article.save()
    policies.template_record_revision(template_id=template.pk, actor=admin)
    op, old, new = changes("policies_templatearticle")[-1]
    assert op == "UPDATE" and new["body"].endswith("（追記）") and not old["body"].endswith("（追記）")


@pytest.mark.django_db
def test_the_sysadmin_reads_the_record_in_the_admin_and_no_one_edits_it(client, admin, staff_a):
    from django.urls import reverse

    head = Group.objects.get(name=Role.SECTION_HEAD)
    staff_a.groups.add(head)
    change = TableChange.objects.get(table="org_user_groups", new_row__user_id=staff_a.pk, new_row__group_id=head.pk)
    client.force_login(admin)
    listed = client.get(reverse("admin:core_tablechange_changelist"))
    assert listed.status_code == 200 and "org_user_groups" in listed.content.decode()
    shown = client.get(reverse("admin:core_tablechange_change", args=[change.pk])).content.decode()
    assert f"&quot;user_id&quot;: {staff_a.pk}, &quot;group_id&quot;: {head.pk}" in shown
    assert client.post(reverse("admin:core_tablechange_delete", args=[change.pk])).status_code == 403
    assert client.get(reverse("admin:core_tablechange_add")).status_code == 403
    client.force_login(staff_a)
    assert client.get(reverse("admin:core_tablechange_changelist")).status_code == 302  # to the admin's sign-in


@pytest.mark.django_db
def test_the_record_of_changes_is_kept_and_fixed(staff_a):
    staff_a.groups.add(Group.objects.get(name=Role.STAFF))
    for statement in ("DELETE FROM core_tablechange", "UPDATE core_tablechange SET db_role = 'nobody'"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert TableChange.objects.exists()


# --- two roles: the owner migrates, the app has DML only -------------------------------------------


def _url(role: str, database: str) -> str:
    s = connection.settings_dict
    return f"postgres://{role}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{database}"


def run_roles_sql(database: str, owner: str, app: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"owner={owner}", "-v", f"app={app}",
         "-f", str(ROLES_SQL), _url("postgres", database)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture
def roles_and_database(django_db_blocker):
    """Two new roles and a database owned by `database_owner` (the owner's role, or the app's as before)."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "owner": f"komae_owner_{suffix}",
        "app": f"komae_app_{suffix}",
        "database": f"{settings.DATABASES['default']['NAME']}_roles",
    }

    def make(database_owner: str) -> dict:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{names["database"]}"')
            cursor.execute(f'CREATE ROLE "{names["owner"]}" LOGIN')
            cursor.execute(f'CREATE ROLE "{names["app"]}" LOGIN')
            cursor.execute(f'CREATE DATABASE "{names["database"]}" OWNER "{names[database_owner]}"')
        return names | {"env": {"PATH": "/usr/bin:/bin", "DATABASE_URL": _url(names["app"], names["database"])}}

    yield make
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{names["database"]}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{names["app"]}"')
        cursor.execute(f'DROP ROLE IF EXISTS "{names["owner"]}"')


@pytest.fixture(scope="module")
def two_roles_made_once(django_db_blocker):
    """A database made as a city makes it: the two roles, deploy/database-roles.sql, then migrate as
    the owner (MIGRATE_DATABASE_URL) while DATABASE_URL names the app's role. Made once for the
    module (a migrate takes seconds); each test gets a copy of it (`two_roles`)."""
    suffix = uuid.uuid4().hex[:8]
    made = {
        "owner": f"komae_owner_{suffix}",
        "app": f"komae_app_{suffix}",
        "database": f"{settings.DATABASES['default']['NAME']}_roles_made",
    }
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{made["database"]}"')
        cursor.execute(f'CREATE ROLE "{made["owner"]}" LOGIN')
        cursor.execute(f'CREATE ROLE "{made["app"]}" LOGIN')
        cursor.execute(f'CREATE DATABASE "{made["database"]}" OWNER "{made["owner"]}"')
    try:
        script = run_roles_sql(made["database"], made["owner"], made["app"])
        assert script.returncode == 0, script.stderr
        env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": _url(made["app"], made["database"])}
        owner_url = _url(made["owner"], made["database"])
        migrated = manage("migrate", "--no-input", env={**env, "MIGRATE_DATABASE_URL": owner_url})
        assert migrated.returncode == 0, migrated.stderr
        yield made
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{made["database"]}" WITH (FORCE)')
            cursor.execute(f'DROP ROLE IF EXISTS "{made["app"]}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{made["owner"]}"')


@pytest.fixture
def two_roles(two_roles_made_once, django_db_blocker):
    """A copy of that database (CREATE DATABASE … TEMPLATE: every table, row, trigger, grant and default
    privilege, owned by the same owner), for one test to change."""
    made = two_roles_made_once | {"database": f"{settings.DATABASES['default']['NAME']}_roles"}
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{made["database"]}"')
        cursor.execute(
            f'CREATE DATABASE "{made["database"]}" TEMPLATE "{two_roles_made_once["database"]}" OWNER "{made["owner"]}"'
        )
    yield made | {"env": {"PATH": "/usr/bin:/bin", "DATABASE_URL": _url(made["app"], made["database"])}}
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{made["database"]}" WITH (FORCE)')


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def refused(cursor, statement: str) -> str:
    with pytest.raises(psycopg.Error) as refusal:
        cursor.execute(statement)
    cursor.connection.rollback()
    return str(refusal.value)


def test_the_app_role_has_dml_only_and_cannot_undo_a_protection(two_roles):
    with psycopg.connect(_url(two_roles["app"], two_roles["database"])) as db, db.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchall() == [(two_roles["owner"],)]  # migrate ran as the owner
        # Normal work goes on: SELECT, INSERT, UPDATE, DELETE (a session, as every sign-in writes).
        cursor.execute("INSERT INTO django_session VALUES ('k', 'data', now() + interval '1 day')")
        cursor.execute("UPDATE django_session SET session_data = 'changed' WHERE session_key = 'k'")
        cursor.execute("DELETE FROM django_session WHERE session_key = 'k'")
        cursor.execute("SELECT id FROM policies_templatearticle ORDER BY id LIMIT 1")
        (article,) = cursor.fetchone()
        cursor.execute("UPDATE policies_templatearticle SET heading = '見出し' WHERE id = %s", [article])
        db.commit()
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'policies_templaterevision'::regclass")
        kept = [name for (name,) in cursor.fetchall()]
        # …but nothing that takes a protection away.
        assert "must be owner" in refused(cursor, "ALTER TABLE policies_templaterevision DISABLE TRIGGER ALL")
        assert "must be owner" in refused(cursor, f'DROP TRIGGER "{kept[0]}" ON policies_templaterevision')
        assert "permission denied" in refused(cursor, "TRUNCATE policies_templaterevision")
        assert "permission denied" in refused(cursor, "TRUNCATE core_tablechange")
        assert "permission denied" in refused(cursor, "CREATE TABLE ours (id int)")
        assert "must be owner" in refused(cursor, "ALTER TABLE core_tablechange DROP COLUMN new_row")
        # pgtrigger's switch to skip its triggers is for the owner only (tests reload data with it).
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, false)", ["{" + ",".join(kept) + "}"])
        assert "cannot be deleted" in refused(cursor, "DELETE FROM policies_templaterevision")
        # The article's change is on record, as the app's role made it, and the record stays.
        cursor.execute(
            "SELECT operation, db_role, new_row->>'heading' FROM core_tablechange"
            " WHERE table_name = 'policies_templatearticle' ORDER BY id DESC LIMIT 1"
        )
        assert cursor.fetchone() == ("UPDATE", two_roles["app"], "見出し")
        assert "cannot be deleted" in refused(cursor, "DELETE FROM core_tablechange")
        cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'komae_record_%'")
        assert {table for _, table in cursor.fetchall()} == set(RECORDED)

    # A table a later migration makes (as the owner) is open to the app's DML at once.
    with psycopg.connect(_url(two_roles["owner"], two_roles["database"])) as db:
        db.execute("CREATE TABLE later_table (id bigint GENERATED BY DEFAULT AS IDENTITY, note text)")
    with psycopg.connect(_url(two_roles["app"], two_roles["database"])) as db:
        db.execute("INSERT INTO later_table (note) VALUES ('x')")
        assert db.execute("SELECT note FROM later_table").fetchall() == [("x",)]


def test_migrate_as_the_app_role_says_how_to_run_it(two_roles):
    result = manage("migrate", "--no-input", env=two_roles["env"])
    assert result.returncode != 0
    assert "スキーマの所有者" in result.stderr and "MIGRATE_DATABASE_URL" in result.stderr
    assert "deploy/manage.sh migrate" in result.stderr


def test_the_app_role_backs_up_and_the_owner_restores(two_roles, tmp_path):
    """The nightly backup runs in the worker, as the app's role; a restore replaces tables, as the owner."""
    env = {**two_roles["env"], "MEDIA_ROOT": str(tmp_path / "media")}
    backup = manage("backup", "--output", str(tmp_path / "backup"), env=env)
    assert backup.returncode == 0, backup.stderr
    as_app = manage("restore", str(tmp_path / "backup"), "--force", env=env)
    assert as_app.returncode != 0 and "MIGRATE_DATABASE_URL" in as_app.stderr
    owner = {**env, "MIGRATE_DATABASE_URL": _url(two_roles["owner"], two_roles["database"])}
    restored = manage("restore", str(tmp_path / "backup"), "--force", env=owner)
    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(_url(two_roles["app"], two_roles["database"])) as db, db.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchall() == [(two_roles["owner"],)]
        cursor.execute("INSERT INTO django_session VALUES ('k', 'data', now() + interval '1 day')")
        assert "permission denied" in refused(cursor, "TRUNCATE core_auditevent")


def test_an_installation_of_one_role_moves_to_two_keeping_its_data(roles_and_database):
    """Before issue 20 the app's role owned everything: README's "Upgrading" steps, data kept."""
    made = roles_and_database("app")
    as_before = manage("migrate", "--no-input", env=made["env"])  # one role, as cities have it today
    assert as_before.returncode == 0, as_before.stderr
    with psycopg.connect(_url(made["app"], made["database"])) as db:
        db.execute("INSERT INTO django_session VALUES ('kept', 'data', now() + interval '1 day')")
    refused_script = run_roles_sql(made["database"], made["owner"], made["app"])
    assert refused_script.returncode != 0 and "REASSIGN OWNED BY" in refused_script.stderr
    with psycopg.connect(_url("postgres", made["database"]), autocommit=True) as db:
        db.execute(f'REASSIGN OWNED BY "{made["app"]}" TO "{made["owner"]}"')
    script = run_roles_sql(made["database"], made["owner"], made["app"])
    assert script.returncode == 0, script.stderr
    owner = {**made["env"], "MIGRATE_DATABASE_URL": _url(made["owner"], made["database"])}
    assert manage("migrate", "--no-input", env=owner).returncode == 0
    with psycopg.connect(_url(made["app"], made["database"])) as db, db.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session WHERE session_key = 'kept'")
        assert cursor.fetchone() == ("data",)
        assert "permission denied" in refused(cursor, "TRUNCATE core_auditevent")
        assert "must be owner" in refused(cursor, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
