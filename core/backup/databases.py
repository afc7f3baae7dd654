"""Copy, read and restore the database: pg_dump / pg_restore on PostgreSQL, the backup API on SQLite.

Both copies are consistent while the app runs: pg_dump reads one snapshot; SQLite's backup API copies
every page in one step under a read lock. Both restores are all or nothing: pg_restore runs in one
transaction, and SQLite's backup API writes the live file in one write transaction.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .manifest import BackupError

STDERR_LINES = 6  # of pg_dump's or pg_restore's complaint, in the message


def database_for(connection) -> "Postgres | Sqlite":
    if connection.vendor == "postgresql":
        return Postgres(connection.settings_dict)
    if connection.vendor == "sqlite":
        return Sqlite(connection.settings_dict)
    raise BackupError(f"このデータベース（{connection.vendor}）のバックアップには対応していません。")


class Postgres:
    vendor = "postgresql"
    label = "PostgreSQL"
    dump_name = "database.dump"  # pg_dump's custom format

    # libpq reads these from the environment: the password never appears on a command line.
    OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}

    def __init__(self, settings_dict: dict):
        self.name = settings_dict["NAME"]
        self.env = dict(os.environ)
        for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
            if settings_dict.get(key):
                self.env[variable] = str(settings_dict[key])
        for key, variable in self.OPTIONS.items():
            if settings_dict.get("OPTIONS", {}).get(key):
                self.env[variable] = str(settings_dict["OPTIONS"][key])
        self.env["PGDATABASE"] = self.name

    def dump(self, path: Path) -> None:
        """pg_dump's custom format: one snapshot of the whole database, schema and data."""
        self._run("pg_dump", "--format=custom", "--no-password", "--file", str(path), what="データベースのコピー")

    def check(self, dump: Path) -> None:
        """pg_restore can read the archive's table of contents."""
        self._run("pg_restore", "--list", str(dump), what="バックアップのデータベースの読み取り")

    def rows(self, dump: Path, table: str, columns: Sequence[str]) -> list[tuple]:
        """The values of `columns` in every row of `table` as the archive holds them (read, not restored)."""
        args = ["--data-only", "--schema=public", f"--table={table}", "--file=-", str(dump)]
        script = self._run("pg_restore", *args, what="バックアップのデータベースの読み取り").stdout
        return copy_rows(script, table, columns)

    def other_sessions(self, connection) -> int:
        """Client connections to this database besides ours: the app must be stopped for a restore."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            return cursor.fetchone()[0]

    def restore(self, dump: Path) -> None:
        """Replace every object of the dump (schema, data, the triggers that keep records) in one transaction.

        --clean --if-exists drops what the migrated target holds (its seeded rows, its triggers) and
        creates it again from the dump; --single-transaction with --exit-on-error commits all or nothing.
        Objects are owned by the connecting role; the dump's owners and grants are not replayed.
        """
        whole = ["--clean", "--if-exists", "--single-transaction", "--exit-on-error"]
        as_us = ["--no-owner", "--no-privileges", "--no-password"]
        self._run("pg_restore", "--dbname", self.name, *whole, *as_us, str(dump), what="データベースの復元")

    def _run(self, program: str, *args: str, what: str) -> subprocess.CompletedProcess:
        binary = shutil.which(program)
        if binary is None:
            raise BackupError(f"{program} が見つかりません。postgresql-client を入れてください（make setup）。")
        done = subprocess.run(  # noqa: S603  (a fixed binary and arguments; the password is in PGPASSWORD)
            [binary, *args], env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            said = "\n".join(done.stderr.strip().splitlines()[-STDERR_LINES:])
            raise BackupError(f"{what}に失敗しました（{program} 終了コード {done.returncode}）：\n{said}")
        return done


_COPY_LINE = re.compile(r"COPY (?:public\.)?(\S+) \((.*)\) FROM stdin;")
_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))")
_COPY_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def copy_value(text: str) -> str | None:
    """One field of COPY's text format: \\N is NULL, backslash escapes a character."""
    if text == r"\N":
        return None

    def unescape(m: re.Match) -> str:
        if m[1]:
            return chr(int(m[1], 8))
        if m[2]:
            return chr(int(m[2], 16))
        return _COPY_CHARS.get(m[3], m[3])

    return _COPY_ESCAPE.sub(unescape, text)


def copy_rows(script: str, table: str, columns: Sequence[str]) -> list[tuple]:
    """The rows of `table` in a pg_restore script's COPY block, `columns` of each."""
    lines = iter(script.split("\n"))  # not splitlines(): a value may hold U+2028 and the like
    for line in lines:
        found = _COPY_LINE.fullmatch(line)
        if not found or found[1].strip('"') != table:
            continue
        names = [n.strip().strip('"') for n in found[2].split(",")]
        try:
            index = [names.index(c) for c in columns]
        except ValueError as exc:
            raise BackupError(f"バックアップのデータベースの {table} に列がありません（{exc}）。") from exc
        rows = []
        for row in lines:
            if row == "\\.":
                return rows
            fields = row.split("\t")
            rows.append(tuple(copy_value(fields[i]) for i in index))
        break
    raise BackupError(f"バックアップのデータベースに {table} がありません。途中までのバックアップかもしれません。")


class Sqlite:
    vendor = "sqlite"
    label = "SQLite"
    dump_name = "database.sqlite3"

    def __init__(self, settings_dict: dict):
        name = str(settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError("メモリ上のSQLiteデータベースはバックアップ・復元できません。")
        self.path = Path(name).resolve()

    def dump(self, path: Path) -> None:
        """Python's sqlite3 backup API: every page in one step, a consistent copy while the app writes."""
        source = sqlite3.connect(_uri(self.path, "rw"), uri=True, timeout=20)
        copy = sqlite3.connect(path)
        try:
            source.backup(copy)
            # A self-contained file: the live database is in WAL mode, the copy needs no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as exc:
            raise BackupError(f"データベースのコピーに失敗しました：{exc}") from exc
        finally:
            copy.close()
            source.close()

    def check(self, dump: Path) -> None:
        try:
            with _reading(dump) as db:
                result = db.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            result = str(exc)
        if result != "ok":
            raise BackupError(f"バックアップのデータベースが壊れています（{result}）。何も変更していません。")

    def rows(self, dump: Path, table: str, columns: Sequence[str]) -> list[tuple]:
        listed = ", ".join(f'"{c}"' for c in columns)
        try:
            with _reading(dump) as db:
                return [tuple(r) for r in db.execute(f'SELECT {listed} FROM "{table}"')]  # noqa: S608  (model names)
        except sqlite3.Error as exc:
            raise BackupError(f"バックアップのデータベースの {table} を読めません（{exc}）。") from exc

    def other_sessions(self, connection) -> int:
        return 0  # SQLite cannot tell; the README's procedure stops the app first

    def restore(self, dump: Path) -> None:
        """Copy the verified dump over the live file with the backup API, in one write transaction.

        Every page goes in one step (pages=-1): readers see the old database or the new one, never a
        mix, and a failure leaves the old one. The live file keeps its WAL mode (SQLite sees to it).
        """
        try:
            with _reading(dump) as source:
                target = sqlite3.connect(_uri(self.path, "rw"), uri=True, timeout=20)
                try:
                    source.backup(target)
                finally:
                    target.close()
        except sqlite3.Error as exc:
            raise BackupError(f"データベースの復元に失敗しました（変更はありません）：{exc}") from exc


def _uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


class _reading:
    """A read-only connection to a dump that nothing else writes (immutable: no -wal, no lock files)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(_uri(path, "ro") + "&immutable=1", uri=True)

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc) -> None:
        self.db.close()
