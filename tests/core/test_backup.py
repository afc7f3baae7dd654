"""Backup and restore, proven by a drill (issue 14): on PostgreSQL in the suite, on SQLite in the smoke run.

The drill seeds a database, backs it up, restores into a fresh migrated database and an empty media
folder, and finds every row, audit event and file back, byte for byte. The refusals check that a
damaged, partial or foreign backup changes nothing: not a row, not a file.
"""

import json
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from core.backup import BackupError, backup_nightly, backups_prune
from core.backup.databases import copy_rows, database_for
from core.backup.manifest import SIGNATURE, signature_of
from core.models import AuditEvent, BackupRecord
from komae_sns.celery import app
from monitoring import incidents
from monitoring.models import Evidence, Incident
from org.models import User
from policies.models import PolicyVersion
from tests.conftest import enact_policy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def database_rows() -> dict[str, list]:
    """Every row of every table, sorted: what `byte for byte` means for a database."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def media_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def restore(folder, **options) -> str:
    out = StringIO()
    call_command("restore", str(folder), stdout=out, **options)
    return out.getvalue()


def refused(folder, **options) -> str:
    """Restore `folder`, expecting a refusal that changes nothing; return its message."""
    rows, files = database_rows(), media_files()
    with pytest.raises(CommandError) as refusal:
        restore(folder, **options)
    assert database_rows() == rows
    assert media_files() == files
    return str(refusal.value)


def rewrite_manifest(folder: Path, change, *, key: str | None = None) -> None:
    """Change the manifest and sign it again with `key` (the city's own key by default: what is tested
    is then the check after the signature's); key="" leaves the old signature, as a forger must."""
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    body = json.dumps(manifest).encode()
    (folder / "manifest.json").write_bytes(body)
    if key != "":
        (folder / SIGNATURE).write_text(signature_of(body, key or settings.BACKUP_SIGNING_KEYS[0]))


@pytest.fixture
def kept(account_a, head_a, admin):
    """An issued policy with its PDF (rendered after commit) and an incident with a screenshot."""
    enact_policy(account_a, head_a)
    incident = incidents.incident_open(
        account_id=account_a.pk, actor=admin, kind=Incident.Kind.IMPERSONATION, title="なりすましの通報"
    )
    incidents.evidence_add(
        incident_id=incident.pk, actor=admin, upload=SimpleUploadedFile("画面.png", PNG, content_type="image/png")
    )
    version = PolicyVersion.objects.get(account=account_a)
    assert version.pdf and Evidence.objects.get().file
    return version


@pytest.fixture
def backup(kept, tmp_path) -> Path:
    folder = tmp_path / "backup"
    call_command("backup", output=str(folder), stdout=StringIO())
    return folder


@pytest.fixture
def fresh_database(tmp_path, settings):
    """Another database, created empty and migrated (what `migrate` seeds and nothing else), and an
    empty media folder: where a city's engineer restores. Call it to point the app at them."""
    original = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        fresh = f"{original}_drill"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
            cursor.execute(f'CREATE DATABASE "{fresh}"')
    else:
        fresh = str(Path(original).with_name(f"{Path(original).stem}_drill.sqlite3"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)

    def use(name):
        connection.close()
        connection.settings_dict["NAME"] = name

    def switch():
        use(fresh)
        settings.MEDIA_ROOT = tmp_path / "fresh-media"

    use(fresh)
    call_command("migrate", verbosity=0)
    use(original)
    yield switch
    use(original)
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)


def triggers() -> set:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        return set(cursor.fetchall())


# --- the drill ------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_restore_drill_brings_back_every_row_audit_event_and_file(fresh_database, tmp_path):
    call_command("seed_demo", force=True, stdout=StringIO())
    incident = Incident.objects.get()
    sysadmin = User.objects.get(username="sysadmin")
    incidents.evidence_add(
        incident_id=incident.pk, actor=sysadmin, upload=SimpleUploadedFile("a.png", PNG, content_type="image/png")
    )
    source_rows, source_files = database_rows(), media_files()
    source_triggers = triggers() if connection.vendor == "postgresql" else set()
    assert PolicyVersion.objects.exclude(pdf="").count() >= 5 and Evidence.objects.count() == 1
    assert len(source_files) == PolicyVersion.objects.exclude(pdf="").count() + 1
    assert AuditEvent.objects.count() > 50

    call_command("backup", output=str(tmp_path / "backup"), stdout=StringIO())
    fresh_database()
    assert not User.objects.exists() and not AuditEvent.objects.exists() and not media_files()
    said = restore(tmp_path / "backup")
    assert "復元しました" in said

    # The restore is the one thing added: its record and its audit row, after the backup's rows.
    record = BackupRecord.objects.get()
    assert record.kind == BackupRecord.Kind.RESTORE
    audit = AuditEvent.objects.for_object(record).get()
    assert (audit.action, audit.actor_job) == (AuditEvent.Action.CREATED, AuditEvent.Job.RESTORE_COMMAND)
    assert audit.pk > max(r[0] for r in source_rows["core_auditevent"])
    restored = database_rows()
    restored["core_backuprecord"] = [r for r in restored["core_backuprecord"] if r[0] != record.pk]
    restored["core_auditevent"] = [r for r in restored["core_auditevent"] if r[0] != audit.pk]
    assert restored.keys() == source_rows.keys()
    for table, rows in source_rows.items():
        assert restored[table] == rows, table
    assert media_files() == source_files
    if connection.vendor == "postgresql":
        # The database still refuses to delete a kept record: the triggers came back with the tables.
        assert triggers() == source_triggers
        with pytest.raises(IntegrityError, match="keep_forever"), transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM core_auditevent")


# --- what a backup holds --------------------------------------------------------------------------


def test_a_backup_lists_every_file_with_its_size_and_sha256(backup, kept):
    manifest = json.loads((backup / "manifest.json").read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert set(listed) == {dump, f"media/{kept.pdf.name}", f"media/{Evidence.objects.get().file.name}"}
    assert listed[f"media/{kept.pdf.name}"]["sha256"] == kept.pdf_sha256
    assert listed[f"media/{kept.pdf.name}"]["size"] == (backup / "media" / kept.pdf.name).stat().st_size
    record = BackupRecord.objects.get()
    assert (record.kind, record.path, record.file_count) == ("backup", str(backup), 3)
    assert record.size == sum(f["size"] for f in manifest["files"]) + (backup / "manifest.json").stat().st_size
    audit = AuditEvent.objects.for_object(record).get()
    assert (audit.action, audit.actor_job) == (AuditEvent.Action.CREATED, AuditEvent.Job.BACKUP_COMMAND)
    assert audit.summary.startswith("バックアップを作成（3ファイル")  # what the sysadmin reads


def test_a_backup_is_refused_when_a_stored_pdf_no_longer_matches_its_version(kept, tmp_path):
    Path(kept.pdf.path).write_bytes(b"%PDF-1.7 not the issued one")
    with pytest.raises(CommandError, match="SHA-256と一致しません"):
        call_command("backup", output=str(tmp_path / "backup"), stdout=StringIO())
    assert not (tmp_path / "backup").exists()
    assert not BackupRecord.objects.exists()


def test_a_backup_is_written_into_an_empty_folder_only(kept, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "note.txt").write_text("x")
    with pytest.raises(CommandError, match="空のフォルダではありません"):
        call_command("backup", output=str(tmp_path / "busy"), stdout=StringIO())
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["note.txt"]


# --- refusals: nothing changes --------------------------------------------------------------------


def test_a_database_that_is_not_empty_is_refused_without_force(backup):
    said = refused(backup)
    assert "復元先が空ではありません（利用者" in said and "--force" in said


@pytest.mark.smoke
@pytest.mark.parametrize("damaged", ["database", "media"])
def test_a_flipped_byte_is_refused_and_nothing_changes(backup, kept, damaged):
    target = backup / ("database.dump" if connection.vendor == "postgresql" else "database.sqlite3")
    if damaged == "media":
        target = backup / "media" / kept.pdf.name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    said = refused(backup, force=True)
    assert said.startswith("バックアップが壊れているため、復元できません。何も変更していません。")
    assert f"ハッシュが一致しないファイル：{target.relative_to(backup).as_posix()}" in said


def test_a_missing_file_is_refused(backup, kept):
    (backup / "media" / kept.pdf.name).unlink()
    said = refused(backup, force=True)
    assert f"manifest.json にあるのに見つからないファイル：media/{kept.pdf.name}" in said


def test_a_file_the_manifest_does_not_list_is_refused(backup):
    (backup / "media" / "extra.pdf").write_bytes(b"%PDF")
    assert "manifest.json にないファイル：media/extra.pdf" in refused(backup, force=True)


def test_a_backup_without_its_manifest_is_refused_as_partial(backup):
    (backup / "manifest.json").unlink()
    assert "途中までしか書かれていません：manifest.json がありません" in refused(backup, force=True)


def test_a_policy_pdf_that_is_not_the_issued_one_is_refused(backup, kept):
    """The manifest agrees with the folder, but the PDF is not the one whose SHA-256 the version keeps."""
    pdf = backup / "media" / kept.pdf.name
    pdf.write_bytes(b"%PDF-1.7 another document")

    def relist(manifest):
        import hashlib

        for entry in manifest["files"]:
            if entry["path"] == f"media/{kept.pdf.name}":
                entry.update(size=pdf.stat().st_size, sha256=hashlib.sha256(pdf.read_bytes()).hexdigest())

    rewrite_manifest(backup, relist)
    said = refused(backup, force=True)
    assert "発行済みの運用ポリシーのPDFなど" in said
    assert f"運用ポリシー（発行済み）：{kept.pdf.name}（SHA-256が記録と一致しません）" in said


def test_a_backup_of_other_migrations_is_refused(backup):
    MigrationRecorder(connection).record_applied("core", "9999_later")
    assert "別の版のアプリで作られています" in refused(backup, force=True)


def test_a_backup_of_another_database_engine_is_refused(backup):
    rewrite_manifest(backup, lambda m: m["database"].update(vendor="oracle"))
    assert "このバックアップは oracle のデータベースのものです" in refused(backup, force=True)


@pytest.mark.smoke
def test_a_database_restore_that_fails_puts_the_files_back(backup, kept, monkeypatch):
    """The files are moved in just before the database is replaced; if that fails, they go back."""
    Path(settings.MEDIA_ROOT, "stray.txt").write_text("written after the backup")

    def fails(self, dump):
        assert (Path(settings.MEDIA_ROOT) / "stray.txt").exists() is False  # the backup's files are in place
        raise BackupError("データベースの復元に失敗しました（試験）")

    monkeypatch.setattr(type(database_for(connection)), "restore", fails)
    assert "試験" in refused(backup, force=True)
    assert not [p for p in Path(settings.MEDIA_ROOT).iterdir() if p.name.startswith(".restore-")]


def test_force_replaces_a_database_that_is_not_empty(backup, kept, head_a):
    UserFactory(username="after_the_backup")
    Path(settings.MEDIA_ROOT, "stray.txt").write_text("written after the backup")
    restore(backup, force=True)
    assert not User.objects.filter(username="after_the_backup").exists()
    assert User.objects.filter(username=head_a.username).exists()
    assert "stray.txt" not in media_files()
    assert media_files()[kept.pdf.name] == (backup / "media" / kept.pdf.name).read_bytes()


def test_pg_restore_reads_copy_escapes():
    script = "\n".join(
        [
            "\\restrict abc",
            "COPY public.t (id, name, note) FROM stdin;",
            "1\tpolicies/1/a.pdf\t\\N",
            "2\ttab\\there\tline\\nbreak\u2028kept",
            "\\.",
        ]
    )
    assert copy_rows(script, "t", ["name", "note"]) == [
        ("policies/1/a.pdf", None),
        ("tab\there", "line\nbreak\u2028kept"),
    ]


# --- nightly --------------------------------------------------------------------------------------


def test_beat_runs_the_nightly_backup():
    entry = app.conf.beat_schedule["backup-nightly"]
    assert entry["task"] == "core.tasks.nightly_backup"
    assert entry["schedule"].hour == {settings.BACKUP_HOUR} and entry["schedule"].minute == {0}
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.mark.smoke
def test_the_nightly_backup_keeps_the_newest(kept, tmp_path, settings):
    from core.tasks import nightly_backup

    settings.BACKUP_DIR, settings.BACKUP_KEEP = tmp_path / "nightly", 2
    for day in (1, 2, 3):
        with time_machine.travel(f"2026-12-0{day} 02:00 +0900", tick=False):
            nightly_backup.delay()
    kept_folders = sorted(p.name for p in (tmp_path / "nightly").iterdir())
    assert kept_folders == ["komae-sns-20261202-020000", "komae-sns-20261203-020000"]
    assert BackupRecord.objects.count() == 3  # the record of each backup stays; the folders go


def test_pruning_keeps_n_and_touches_only_its_own_folders(tmp_path):
    def folder(name, finished=True):
        (tmp_path / name).mkdir()
        if finished:
            (tmp_path / name / "manifest.json").write_text("{}")

    for day in range(1, 6):
        folder(f"komae-sns-2026120{day}-020000")
    folder("komae-sns-20261203-120000", finished=False)  # cut off by a restart; a newer one finished
    folder("komae-sns-20261206-020000", finished=False)  # still being written
    folder("city-archive")
    removed = backups_prune(root=tmp_path, keep=3)
    assert sorted(p.name for p in removed) == [
        "komae-sns-20261201-020000",
        "komae-sns-20261202-020000",
        "komae-sns-20261203-120000",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "city-archive",
        "komae-sns-20261203-020000",
        "komae-sns-20261204-020000",
        "komae-sns-20261205-020000",
        "komae-sns-20261206-020000",
    ]


def test_a_backup_inside_the_media_folder_is_refused(kept, settings):
    settings.BACKUP_DIR = Path(settings.MEDIA_ROOT) / "backups"
    with pytest.raises(BackupError, match="MEDIA_ROOT"):
        backup_nightly()
    assert not BackupRecord.objects.exists()


# --- forged backups and the folder's modes (issue 20) ---------------------------------------------


def relist_all(folder: Path):
    """The forger's step: every file's size and SHA-256 in the manifest made true again."""
    import hashlib

    def relist(manifest):
        for entry in manifest["files"]:
            data = (folder / entry["path"]).read_bytes()
            entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())

    return relist


def test_a_backup_forged_consistently_is_refused_without_the_key(backup, kept, contractor, tmp_path):
    """A database edited (a contractor made superuser) with every hash recomputed: the signature fails."""
    User.objects.filter(pk=contractor.pk).update(is_superuser=True, is_staff=True)
    call_command("backup", output=str(tmp_path / "edited"), stdout=StringIO())
    User.objects.filter(pk=contractor.pk).update(is_superuser=False, is_staff=False)
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    (backup / dump).write_bytes((tmp_path / "edited" / dump).read_bytes())
    rewrite_manifest(backup, relist_all(backup), key="")
    said = refused(backup, force=True)
    assert said.startswith("バックアップの署名が一致しません") and "何も変更していません" in said
    assert not User.objects.get(pk=contractor.pk).is_superuser
    rewrite_manifest(backup, relist_all(backup), key="a-key-the-forger-made-up-" + "x" * 20)
    assert "署名が一致しません" in refused(backup, force=True)


def test_a_backup_signed_with_another_key_is_refused_naming_the_setting(backup, settings):
    settings.BACKUP_SIGNING_KEYS = ["another-citys-or-a-lost-key-" + "y" * 20]
    said = refused(backup, force=True)
    assert "署名が一致しません" in said and "BACKUP_SIGNING_KEY" in said


def test_a_backup_without_a_signature_is_refused_as_from_the_previous_version(backup):
    (backup / SIGNATURE).unlink()
    said = refused(backup, force=True)
    assert f"署名（{SIGNATURE}）がありません" in said and "前の版" in said and "何も変更していません" in said


def test_a_new_key_in_front_signs_and_the_old_one_still_verifies(backup, kept, settings, tmp_path):
    old = settings.BACKUP_SIGNING_KEYS[0]
    new = "the-new-backup-signing-key-" + "z" * 20
    settings.BACKUP_SIGNING_KEYS = [new, old]
    call_command("backup", output=str(tmp_path / "rotated"), stdout=StringIO())
    body = (tmp_path / "rotated" / "manifest.json").read_bytes()
    assert (tmp_path / "rotated" / SIGNATURE).read_text() == signature_of(body, new)
    assert "復元しました" in restore(backup, force=True)  # made before the rotation
    settings.BACKUP_SIGNING_KEYS = [new]
    assert "署名が一致しません" in refused(backup, force=True)


def test_a_backup_is_private_whatever_the_umask_and_the_folder_it_is_written_into(kept, tmp_path):
    import os
    import stat

    folder = tmp_path / "made-by-hand"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    umask = os.umask(0o022)
    try:
        call_command("backup", output=str(folder), stdout=StringIO())
    finally:
        os.umask(umask)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}
    assert len(modes) > 5 and "made-by-hand/manifest.json" in modes and f"made-by-hand/{SIGNATURE}" in modes
    assert {
        path: mode for path, mode in modes.items() if mode != (0o700 if (tmp_path / path).is_dir() else 0o600)
    } == {}


def _production_check(**env):
    import subprocess
    import sys

    base = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "sns.city.komae.lg.jp",
        "SITE_URL": "https://sns.city.komae.lg.jp",
        "CREDENTIAL_KEYS": "Y2xlYXJseS1ub3QtYS1yZWFsLWtleS0wMTIzNDU2Nzg=",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"], env=base | env, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_requires_a_backup_signing_key():
    missing = _production_check()
    assert missing.returncode != 0 and "BACKUP_SIGNING_KEY" in missing.stderr and "鍵が必要です" in missing.stderr
    assert "secrets.token_urlsafe(32)" in missing.stderr  # the command that makes one
    short = _production_check(BACKUP_SIGNING_KEY="a" * 43 + ",short-key")
    assert short.returncode != 0 and "2番目の鍵が短すぎます" in short.stderr and "short-key" not in short.stderr
    assert _production_check(BACKUP_SIGNING_KEY="a" * 43 + ", " + "b" * 43).returncode == 0
