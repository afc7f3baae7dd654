"""Back up the database and every media file; restore them all or nothing (issue 14).

A restore checks everything before it touches anything: the manifest against every byte of the
folder, the database engine, that the target is migrated to the same migrations and empty, and
every stored file whose SHA-256 the backup's database records (a model's FILE_SHA256, e.g. an issued
policy's PDF) against the file in the backup. Only then are the media files staged and moved in,
and the database replaced in one transaction; if that fails, the files are moved back.
"""

import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from core.audit import Job, audit_record
from core.models import AuditEvent, BackupRecord

from .databases import database_for
from .manifest import (
    MANIFEST,
    MEDIA,
    SHOWN,
    BackupError,
    Manifest,
    copy_hashing,
    entry_of,
    private_file,
    read_manifest,
    verify_folder,
    write_manifest,
)

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=2)  # the dashboard warns when the last backup is older
FOLDER_PREFIX = "komae-sns-"  # the nightly folders: komae-sns-20261201-020000, sorted by name = by time
FOLDER_TIME = "%Y%m%d-%H%M%S"
FOLDER_NAME = re.compile(rf"{FOLDER_PREFIX}\d{{8}}-\d{{6}}")
STAGING_PREFIX = ".restore-"  # a restore's work folder inside MEDIA_ROOT; never backed up, never counted


def recorded_files() -> list[tuple]:
    """(model, file field, hash field) of each stored file whose SHA-256 a row records.

    Declared on the model: `FILE_SHA256 = {"pdf": "pdf_sha256"}` (the kernel imports no app).
    """
    return [(m, f, h) for m in apps.get_models() for f, h in getattr(m, "FILE_SHA256", {}).items()]


# --- backing up -------------------------------------------------------------------------------------


def backup_create(*, output: Path, actor: Job) -> BackupRecord:
    """Write the database and every media file into `output` (absent or empty), with manifest.json.

    The database is copied first: a file is stored before the row that names it and never removed,
    so the media copied after the database hold every file its rows name. The backup is checked as a
    restore would check it before it counts: a stored file that no longer matches its recorded
    SHA-256 fails the backup (the sysadmin's dashboard then shows the last good one getting old).
    """
    output = Path(output).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if output.is_relative_to(media_root):
        raise BackupError(f"バックアップをメディアのフォルダ（MEDIA_ROOT：{media_root}）の中には書けません。")
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"書き出し先が空のフォルダではありません：{output}")
    db = database_for(connection)
    created = not output.exists()
    output.mkdir(mode=0o700, parents=True, exist_ok=True)  # it holds staff's names and password hashes
    try:
        _make_private(output)  # a folder made beforehand, or under a lax umask, too
        taken_at = timezone.localtime()  # the manifest says it in Japan's time
        private_file(output / db.dump_name, b"")  # pg_dump and SQLite write into it, keeping its mode
        db.dump(output / db.dump_name)
        db.check(output / db.dump_name)
        files = (entry_of(output, db.dump_name), *_copy_media(media_root, output / MEDIA))
        manifest = Manifest(created_at=taken_at, vendor=db.vendor, database=db.dump_name, files=files)
        problems = _recorded_mismatches(db, output / db.dump_name, manifest)
        if problems:
            raise BackupError(
                "バックアップを作れません：保存されているファイルが、データベースに記録されたSHA-256と一致しません"
                "（このバックアップは復元できないため、書き出しをやめました）。\n" + _listed(problems)
            )
        _make_private(output)
        size = manifest.size + write_manifest(output, manifest, key=settings.BACKUP_SIGNING_KEYS[0])
    except BaseException:
        _discard(output, created)  # nothing is left that could be taken for a backup
        raise
    with transaction.atomic():
        record = BackupRecord.objects.create(
            kind=BackupRecord.Kind.BACKUP, taken_at=taken_at, path=str(output), size=size, file_count=len(files)
        )
        audit_record(
            target=record,
            actor=actor,
            action=AuditEvent.Action.CREATED,
            summary=f"バックアップを作成（{len(files)}ファイル、{_mb(size)}）",
            changes={"フォルダ": str(output), "データベース": db.label},
        )
    logger.info("backup written to %s: %d files, %d bytes", output, len(files), size)
    return record


def _copy_media(media_root: Path, target: Path) -> list:
    entries = []
    for root, dirs, names in os.walk(media_root):
        here = Path(root).relative_to(media_root)
        if here == Path("."):
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        dirs.sort()
        for name in sorted(names):
            source = Path(root) / name
            if source.is_symlink() or not source.is_file():
                continue
            relative = (here / name).as_posix()
            try:
                entries.append(copy_hashing(source, target / relative, path=f"{MEDIA}/{relative}"))
            except FileNotFoundError:
                # Removed while copying: only a PDF that lost the race to be stored first is ever
                # removed (policies.services.policy_version_render), and no row names it.
                continue
    return entries


def _make_private(folder: Path) -> None:
    """The folder and every folder in it 0700, every file 0600, whatever the umask was."""
    try:
        folder.chmod(0o700)
        for root, dirs, names in os.walk(folder):
            for name in dirs:
                (Path(root) / name).chmod(0o700)
            for name in names:
                (Path(root) / name).chmod(0o600)
    except OSError as exc:
        raise BackupError(
            f"バックアップのフォルダを、所有者だけが読み書きできるようにできません（{exc}）。"
            "書き出し先を確かめてください。"
        ) from exc


def _discard(folder: Path, created: bool) -> None:
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir():
        shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)


def backup_nightly() -> BackupRecord:
    """Beat's nightly backup: a folder named by the time under BACKUP_DIR, then keep BACKUP_KEEP."""
    root = Path(settings.BACKUP_DIR)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    record = backup_create(
        output=root / f"{FOLDER_PREFIX}{timezone.localtime():{FOLDER_TIME}}", actor=Job.NIGHTLY_BACKUP
    )
    backups_prune(root=root, keep=settings.BACKUP_KEEP)
    return record


def backups_prune(*, root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` finished backups in `root` and return what was removed.

    Only folders named as the nightly names them are touched. One without manifest.json (a backup
    cut off, e.g. by a restart) goes once a newer backup has finished.
    """
    ours = sorted(p for p in Path(root).iterdir() if p.is_dir() and FOLDER_NAME.fullmatch(p.name))
    finished = [p for p in ours if (p / MANIFEST).is_file()]
    doomed = finished[: max(len(finished) - keep, 0)]
    if finished:
        doomed += [p for p in ours if p not in finished and p.name < finished[-1].name]
    for folder in doomed:
        shutil.rmtree(folder)
        logger.info("old backup removed: %s", folder)
    return doomed


@dataclass(frozen=True)
class BackupStatus:
    last: BackupRecord | None
    stale: bool  # no backup, or the last one is older than STALE_AFTER


def backup_status() -> BackupStatus:
    """The newest backup this database knows of (one query), for the sysadmin's dashboard."""
    last = BackupRecord.objects.order_by("-taken_at", "-id").first()
    return BackupStatus(last=last, stale=last is None or timezone.now() - last.taken_at > STALE_AFTER)


# --- restoring --------------------------------------------------------------------------------------


def backup_restore(*, source: Path, force: bool = False) -> BackupRecord:
    """Restore the database and the media files of the backup in `source`, all or nothing.

    The target is a database migrated to the same migrations as the backup's and empty: no user,
    no audit row, no media file (what `migrate` seeds — platforms, roles, the 見本 template — does not
    count). `force` replaces a target that is not empty; nothing else is ever bypassed.
    """
    source = Path(source).resolve()
    manifest = read_manifest(source, keys=settings.BACKUP_SIGNING_KEYS)  # the signature first
    verify_folder(source, manifest)
    db = database_for(connection)
    if manifest.vendor != db.vendor:
        raise BackupError(
            f"このバックアップは {manifest.vendor} のデータベースのものです。復元先は {db.label} です。"
            "何も変更していません。"
        )
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if source.is_relative_to(media_root):
        raise BackupError(f"メディアのフォルダ（MEDIA_ROOT：{media_root}）の中にあるバックアップは復元できません。")
    _check_target(media_root, force=force)

    staging = _Staging(media_root)
    try:
        dump = _verified_dump(db, source, manifest, staging.work)
        if others := db.other_sessions(connection):
            raise BackupError(
                f"復元先のデータベースに、ほかの接続が{others}件あります。web・worker・beat を止めてから"
                "復元してください。何も変更していません。"
            )
        staging.stage(source, manifest)
        connection.close()  # pg_restore drops and creates the tables: no session of ours may hold them
        staging.swap_in()
        db.restore(dump)
    except BaseException:
        staging.undo()
        raise
    staging.discard()
    ContentType.objects.clear_cache()  # the restored database numbers its content types its own way
    connection.close()
    return _restored(source, manifest, media_root, force=force)


def _verified_dump(db, source: Path, manifest: Manifest, work: Path) -> Path:
    """A copy of the backup's database, hashed again as copied, readable, of the target's migrations,
    and whose rows' recorded SHA-256 match the backup's files."""
    dump = work / db.dump_name
    copy_hashing(source / manifest.database, dump, path=manifest.database, expect=manifest.entry(manifest.database))
    db.check(dump)
    _check_same_migrations(db, dump)
    problems = _recorded_mismatches(db, dump, manifest)
    if problems:
        raise BackupError(
            "バックアップを復元できません：発行済みの運用ポリシーのPDFなど、バックアップのデータベースに"
            "記録されたSHA-256と一致しないファイルがあります。何も変更していません。\n" + _listed(problems)
        )
    return dump


def _restored(source: Path, manifest: Manifest, media_root: Path, *, force: bool) -> BackupRecord:
    """Check the files in place against the restored rows, then record and audit the restore."""
    problems = _restored_mismatches(media_root)
    if problems:  # the checks before make this impossible; said loudly if it ever happens
        raise BackupError("復元しましたが、記録されたSHA-256と一致しないファイルがあります。\n" + _listed(problems))
    # A restore replaces the audit trail with the backup's, so it is audited once it is done: the first
    # row after the backup's own, in the restored trail. A refused restore changes nothing, so it is
    # not audited (the command's message and exit code say why).
    with transaction.atomic():
        record = BackupRecord.objects.create(
            kind=BackupRecord.Kind.RESTORE,
            taken_at=manifest.created_at,
            path=str(source),
            size=manifest.size + (source / MANIFEST).stat().st_size,
            file_count=len(manifest.files),
        )
        taken = timezone.localtime(manifest.created_at)
        audit_record(
            target=record,
            actor=Job.RESTORE_COMMAND,
            action=AuditEvent.Action.CREATED,
            summary=f"バックアップから復元（{taken:%Y-%m-%d %H:%M} 取得、{len(manifest.files)}ファイル）",
            changes={"フォルダ": str(source), "空でない復元先を置き換え（--force）": force},
        )
    logger.info("restored from %s (taken %s)", source, manifest.created_at.isoformat())
    return record


def _check_target(media_root: Path, *, force: bool) -> None:
    if not MigrationRecorder(connection).has_table():
        raise BackupError(
            "復元先のデータベースにまだ表がありません。先に python manage.py migrate を実行してください。"
        )
    if force:
        return
    try:
        users, audits = get_user_model().objects.count(), AuditEvent.objects.count()
    except DatabaseError as exc:
        raise BackupError(f"復元先のデータベースを確かめられません（{exc}）。migrate を実行してください。") from exc
    files = _media_file_count(media_root)
    if users or audits or files:
        raise BackupError(
            f"復元先が空ではありません（利用者{users}人、監査記録{audits}件、メディアのファイル{files}件）。"
            "復元は、migrate しただけのデータベースと空のメディアのフォルダに行います。今のデータとファイルを"
            "消してよい場合に限り --force を付けてください。何も変更していません。"
        )


def _media_file_count(media_root: Path) -> int:
    if not media_root.is_dir():
        return 0
    count = 0
    for root, dirs, names in os.walk(media_root):
        if Path(root) == media_root:
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        count += len(names)
    return count


def _check_same_migrations(db, dump: Path) -> None:
    """The backup's schema is the target's: the same migrations applied (a restore then runs no migration)."""
    target = set(MigrationRecorder(connection).applied_migrations())
    backed = {(app, name) for app, name in db.rows(dump, "django_migrations", ["app", "name"])}
    if target == backed:
        return
    only_backup = [f"{a}.{n}" for a, n in sorted(backed - target)]
    only_target = [f"{a}.{n}" for a, n in sorted(target - backed)]
    lines = [
        "このバックアップは、復元先とは別の版のアプリで作られています（マイグレーションが一致しません）。"
        "バックアップを作った版のアプリで migrate したデータベースに復元し、そのあと新しい版に上げて migrate "
        "してください。何も変更していません。"
    ]
    if only_backup:
        lines.append(f"・バックアップにだけあるもの：{'、'.join(only_backup[:SHOWN])}")
    if only_target:
        lines.append(f"・復元先にだけあるもの：{'、'.join(only_target[:SHOWN])}")
    raise BackupError("\n".join(lines))


def _recorded_mismatches(db, dump: Path, manifest: Manifest) -> list[str]:
    """Each stored file a row of the dump names, against the SHA-256 that row records."""
    problems = []
    for model, file_field, hash_field in recorded_files():
        opts = model._meta
        columns = [opts.get_field(file_field).column, opts.get_field(hash_field).column]
        for name, digest in db.rows(dump, opts.db_table, columns):
            if not name:
                continue
            entry = manifest.entry(f"{MEDIA}/{name}")
            if entry is None:
                problems.append(f"{opts.verbose_name}：{name}（バックアップにありません）")
            elif entry.sha256 != digest:
                problems.append(f"{opts.verbose_name}：{name}（SHA-256が記録と一致しません）")
    return problems


def _restored_mismatches(media_root: Path) -> list[str]:
    problems = []
    for model, file_field, hash_field in recorded_files():
        rows = model.objects.exclude(**{file_field: ""}).values_list(file_field, hash_field)
        for name, digest in rows.iterator():
            path = media_root / name
            if not path.is_file() or entry_of(media_root, name).sha256 != digest:
                problems.append(f"{model._meta.verbose_name}：{name}")
    return problems


class _Staging:
    """A restore's work folder inside MEDIA_ROOT (the same filesystem, even where MEDIA_ROOT is a
    mount): the verified dump, the media files staged from the backup and the files they replace.
    Moving in and back is renames of MEDIA_ROOT's top-level entries."""

    def __init__(self, media_root: Path):
        self.root = media_root
        self.work = media_root / f"{STAGING_PREFIX}{timezone.localtime():{FOLDER_TIME}}-{uuid.uuid4().hex[:6]}"
        self.new, self.old = self.work / "new", self.work / "old"
        self.moved_in: list[str] = []
        self.moved_out: list[str] = []
        self.created_root = not media_root.exists()
        self.work.mkdir(parents=True)

    def stage(self, source: Path, manifest: Manifest) -> None:
        self.new.mkdir()
        for entry in manifest.media():
            relative = entry.path.removeprefix(f"{MEDIA}/")
            copy_hashing(source / entry.path, self.new / relative, path=entry.path, expect=entry)

    def swap_in(self) -> None:
        self.old.mkdir()
        for child in sorted(self.root.iterdir()):
            if not child.name.startswith(STAGING_PREFIX):
                child.rename(self.old / child.name)
                self.moved_out.append(child.name)
        for child in sorted(self.new.iterdir()):
            child.rename(self.root / child.name)
            self.moved_in.append(child.name)

    def undo(self) -> None:
        for name in reversed(self.moved_in):
            (self.root / name).rename(self.new / name)
        for name in reversed(self.moved_out):
            (self.old / name).rename(self.root / name)
        self.discard()
        if self.created_root and not any(self.root.iterdir()):
            self.root.rmdir()

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def _listed(problems: list[str]) -> str:
    rest = [f"・ほか{len(problems) - SHOWN}件"] if len(problems) > SHOWN else []
    return "\n".join([*(f"・{p}" for p in problems[:SHOWN]), *rest])


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
