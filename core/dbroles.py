"""Two database roles (issue 20): the owner of the schema runs `migrate` and `restore`, the app has DML only.

deploy/database-roles.sql makes them. The web app, the worker and beat connect with DATABASE_URL,
the app's role: SELECT, INSERT, UPDATE and DELETE, nothing that undoes a protection (TRUNCATE,
ALTER TABLE … DISABLE TRIGGER, DROP TRIGGER, CREATE). `migrate` and `restore` connect as the owner
given by MIGRATE_DATABASE_URL (deploy/manage.sh reads it from a file only root reads), and refuse, in
Japanese, to run as a role that may not change the schema. Without MIGRATE_DATABASE_URL, as on a
developer's machine, everything runs as DATABASE_URL's role.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")

# pgtrigger lets a session skip a trigger (SET pgtrigger.ignore = '{name}'): any role may set that,
# so it would be DISABLE TRIGGER by another name. Only a role that may change the schema (the owner,
# who could drop the trigger anyway; the tests' superuser) may skip one. pgtrigger writes its own
# version with every trigger it installs: this one is put back at the end of every migrate.
SKIP_ONLY_FOR_THE_OWNER = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN AS $$
DECLARE
    _pgtrigger_ignore TEXT[];
BEGIN
    IF NOT has_schema_privilege('public', 'CREATE') THEN
        RETURN FALSE;
    END IF;
    BEGIN
        SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
        EXCEPTION WHEN OTHERS THEN
    END;
    RETURN _pgtrigger_ignore IS NOT NULL AND trigger_name = ANY(_pgtrigger_ignore);
END;
$$ LANGUAGE plpgsql;
"""


def connect_as_schema_owner(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Reconnect `alias` as MIGRATE_DATABASE_URL's role when one is given; refuse to go on as a role
    that may not change the schema (the app's own)."""
    connection = connections[alias]
    owner = settings.MIGRATE_DATABASE
    if owner and alias == DEFAULT_DB_ALIAS and owner["NAME"] == connection.settings_dict["NAME"]:
        connection.close()
        for key in OWNER_KEYS:
            connection.settings_dict[key] = owner.get(key, {} if key == "OPTIONS" else "")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, has_schema_privilege('public', 'CREATE')")
        role, may_change = cursor.fetchone()
    if not may_change:
        raise CommandError(
            f"migrate と restore は、スキーマの所有者のロールで実行します。いまのロール（{role}）はアプリ用で、"
            "表を作ったり置き換えたりできません。MIGRATE_DATABASE_URL に所有者のロールの接続先を指定してください"
            "（市のサーバーでは deploy/manage.sh migrate が /etc/komae-sns/migrate.env から読みます）。"
            "何も変更していません。"
        )


def guard_trigger_switch(using: str = DEFAULT_DB_ALIAS) -> None:
    """pgtrigger's switch to skip a trigger works for the schema's owner only (after migrate)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(SKIP_ONLY_FOR_THE_OWNER)
