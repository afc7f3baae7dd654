"""Backups of the database and every media file, and their restore (README "Backup and restore").

`manage.py backup --output DIR` and the nightly task (core.tasks.nightly_backup) write a folder:
the database (pg_dump's custom format on PostgreSQL, SQLite's backup API on the embedded default),
media/ (policy PDFs, evidence) and manifest.json with every file's size and SHA-256.
`manage.py restore DIR` puts it all back, all or nothing (services.backup_restore).
"""

from .manifest import BackupError
from .services import (
    STALE_AFTER,
    BackupStatus,
    backup_create,
    backup_nightly,
    backup_restore,
    backup_status,
    backups_prune,
)

__all__ = [
    "STALE_AFTER",
    "BackupError",
    "BackupStatus",
    "backup_create",
    "backup_nightly",
    "backup_restore",
    "backup_status",
    "backups_prune",
]
