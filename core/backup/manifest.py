"""A backup folder and its manifest.json: every file in the folder, with its size and SHA-256.

manifest.json is written last, in one rename: a folder without it is a backup that did not finish.
A folder is sound when every listed file is there with its size and hash, and nothing else is.

manifest.json.sig beside it is the HMAC-SHA256 of manifest.json's bytes with the first key of
BACKUP_SIGNING_KEY, a key kept apart from the backups: whoever can write a backup folder can recompute
every hash, but cannot sign. A restore checks the signature before it reads anything else.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
SIGNED_WITH = "hmac-sha256"
FORMAT = "komae-sns-backup"
VERSION = 1
MEDIA = "media"  # the folder inside a backup that holds MEDIA_ROOT's files
CHUNK = 1024 * 1024
SHOWN = 10  # problems named in a message; the rest are counted


class BackupError(Exception):
    """A refused backup or restore; the message is Japanese, names what is wrong and says what to do."""


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the backup folder, with "/" (media/policies/3/v1-….pdf)
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: datetime  # the moment the database was copied
    vendor: str  # "postgresql" or "sqlite"
    database: str  # the dump's path in the folder
    files: tuple[Entry, ...]

    def entry(self, path: str) -> Entry | None:
        return self._by_path().get(path)

    def media(self) -> list[Entry]:
        return [e for e in self.files if e.path.startswith(f"{MEDIA}/")]

    @property
    def size(self) -> int:
        return sum(e.size for e in self.files)

    def _by_path(self) -> dict[str, Entry]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {e.path: e for e in self.files}
            object.__setattr__(self, "_index", cached)
        return cached


def is_safe(path: str) -> bool:
    """A plain relative path inside the folder: no absolute path, no `..`, no empty part."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and all(p not in ("", ".", "..") for p in parts)


def copy_hashing(src: Path, dst: Path, *, path: str, expect: Entry | None = None) -> Entry:
    """Copy `src` to `dst`, hashing what is written; refuse when it is not what `expect` says.

    `path` names the file in the backup (the manifest's path)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(src, "rb") as reader, open(dst, "xb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    entry = Entry(path=path, size=size, sha256=digest.hexdigest())
    if expect is not None and (entry.size, entry.sha256) != (expect.size, expect.sha256):
        raise BackupError(broken_message(mismatched=[path]))
    return entry


def entry_of(folder: Path, path: str) -> Entry:
    """The size and SHA-256 of a file in the folder."""
    digest, size = hashlib.sha256(), 0
    with open(folder / path, "rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Entry(path=path, size=size, sha256=digest.hexdigest())


def signature_of(body: bytes, key: str) -> str:
    """What manifest.json.sig holds for manifest.json's bytes `body`."""
    return f"{SIGNED_WITH} {hmac.new(key.encode(), body, hashlib.sha256).hexdigest()}\n"


def private_file(path: Path, data: bytes) -> None:
    """Write `data` to a new file only its owner reads (0600 whatever the umask), flushed to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with open(fd, "wb") as writer:
        os.fchmod(writer.fileno(), 0o600)
        writer.write(data)
        writer.flush()
        os.fsync(writer.fileno())


def write_manifest(folder: Path, manifest: Manifest, *, key: str) -> int:
    """Write manifest.json.sig, signed with `key`, then manifest.json in one rename, the mark of a
    finished backup; return manifest.json's size."""
    body = json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "created_at": manifest.created_at.isoformat(),
            "database": {"vendor": manifest.vendor, "path": manifest.database},
            "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in manifest.files],
        },
        ensure_ascii=False,
        indent=1,
    ).encode()
    for name, data in ((SIGNATURE, signature_of(body, key).encode()), (MANIFEST, body)):
        partial = folder / f".{name}.partial"
        private_file(partial, data)
        partial.rename(folder / name)
    return len(body)


def read_manifest(folder: Path, *, keys: list[str]) -> Manifest:
    """Read the folder's manifest.json, signed with one of `keys`; refuse a folder without one (a
    backup that did not finish) and a manifest whose signature is missing or wrong."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"バックアップのフォルダがありません：{folder}")
    if not path.is_file():
        raise BackupError(
            f"バックアップが壊れているか、途中までしか書かれていません：{MANIFEST} がありません（{folder}）。"
            "何も変更していません。"
        )
    body = path.read_bytes()  # verified and parsed from this one read
    check_signature(folder, body, keys)
    try:
        data = json.loads(body)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError(f"format {data.get('format')!r} version {data.get('version')!r}")
        files = tuple(Entry(path=str(f["path"]), size=int(f["size"]), sha256=str(f["sha256"])) for f in data["files"])
        manifest = Manifest(
            created_at=datetime.fromisoformat(data["created_at"]),
            vendor=str(data["database"]["vendor"]),
            database=str(data["database"]["path"]),
            files=files,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(
            f"バックアップが壊れています：{MANIFEST} を読めません（{exc}）。何も変更していません。"
        ) from exc
    unsafe = [e.path for e in files if not is_safe(e.path) or e.path == MANIFEST]
    if unsafe or manifest.entry(manifest.database) is None or manifest.created_at.tzinfo is None:
        raise BackupError(
            f"バックアップが壊れています：{MANIFEST} の内容が正しくありません"
            f"（{'、'.join(unsafe[:SHOWN]) or 'データベースのファイルの記載'}）。何も変更していません。"
        )
    return manifest


def check_signature(folder: Path, body: bytes, keys: list[str]) -> None:
    """manifest.json's bytes are signed by one of `keys` (the first signs; the others are older keys)."""
    path = folder / SIGNATURE
    if not path.is_file():
        raise BackupError(
            f"バックアップに署名（{SIGNATURE}）がありません。前の版のアプリで作られたバックアップか、署名が"
            "消されたバックアップです。書き換えられていないことを確かめられないため、復元できません。前の版の"
            "バックアップは、それを作った版のアプリで復元してから新しい版に上げてください。何も変更していません。"
        )
    with open(path, "rb") as reader:
        given = reader.read(1024)
    if not any(hmac.compare_digest(given, signature_of(body, key).encode()) for key in keys):
        raise BackupError(
            f"バックアップの署名が一致しません：{MANIFEST} が作成後に書き換えられたか、BACKUP_SIGNING_KEY が"
            "バックアップを作ったときの鍵と違います（鍵を替えたときは、古い鍵を後ろに並べて残してください）。"
            "復元できません。何も変更していません。"
        )


def verify_folder(folder: Path, manifest: Manifest) -> None:
    """Every listed file is there with its size and SHA-256, and no file is there that is not listed."""
    present = set()
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            relative = (Path(root) / name).relative_to(folder).as_posix()
            if relative not in (MANIFEST, SIGNATURE, f".{MANIFEST}.partial", f".{SIGNATURE}.partial"):
                present.add(relative)
    missing, mismatched = [], []
    for entry in manifest.files:
        path = folder / entry.path
        if entry.path not in present or path.is_symlink() or not path.is_file():
            missing.append(entry.path)
        elif path.stat().st_size != entry.size or entry_of(folder, entry.path).sha256 != entry.sha256:
            mismatched.append(entry.path)
    unlisted = sorted(present - {e.path for e in manifest.files})
    if missing or mismatched or unlisted:
        raise BackupError(broken_message(missing=missing, mismatched=mismatched, unlisted=unlisted))


def broken_message(*, missing=(), mismatched=(), unlisted=()) -> str:
    lines = ["バックアップが壊れているため、復元できません。何も変更していません。"]
    for label, paths in (
        ("ハッシュが一致しないファイル", mismatched),
        (f"{MANIFEST} にあるのに見つからないファイル", missing),
        (f"{MANIFEST} にないファイル", unlisted),
    ):
        if paths:
            rest = f" ほか{len(paths) - SHOWN}件" if len(paths) > SHOWN else ""
            lines.append(f"・{label}：{'、'.join(paths[:SHOWN])}{rest}")
    return "\n".join(lines)
