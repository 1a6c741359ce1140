"""Backup and restore of a whole installation: the database and the uploaded files.

One archive (.tar.gz) holds `manifest.json`, the database (SQLite: a copy made with SQLite's online
backup API, consistent while the site keeps writing; PostgreSQL: `pg_dump -Fc`, a consistent
snapshot) and every file under MEDIA_ROOT (roadmap evidence) under `media/`. A restore replaces
the database's content and the uploaded files with the archive's; it refuses an archive of the
other database engine, or one made by a newer version of the code (migrations it does not know).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    media_files: int
    newer_code: bool  # the code has migrations the backup does not: run `migrate`


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def default_backup_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def _applied_migrations(alias: str) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _pg_env_and_args(alias: str) -> tuple[dict, list[str]]:
    """libpq settings of the connection (the test database's name in tests)."""
    params = connections[alias].settings_dict
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    args += ["--dbname", str(params["NAME"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(_("%(program)s is not installed (PostgreSQL client tools).")
                          % {"program": command[0]}) from exc
    if result.returncode != 0:
        raise BackupError(_("%(program)s failed: %(error)s")
                          % {"program": command[0], "error": result.stderr.strip()[-2000:]})


def create_backup(out: str | Path | None = None, *, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup archive; returns its path. `out` is a file or a folder (default
    DATA_DIR/backups); the archive appears whole or not at all."""
    engine = _engine(alias)
    now = timezone.localtime()
    name = f"ntm-{now:%Y%m%d-%H%M%S}.tar.gz"
    out = Path(out) if out else default_backup_dir()
    target = out / name if out.is_dir() or not out.suffix else out
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".ntm-backup-") as work:
        work = Path(work)
        if engine == "sqlite":
            db_file = work / SQLITE_MEMBER
            connection.ensure_connection()
            destination = sqlite3.connect(db_file)
            try:
                # The online backup API: a consistent copy while other connections keep writing.
                connection.connection.backup(destination)
            finally:
                destination.close()
        else:
            db_file = work / POSTGRES_MEMBER
            env, args = _pg_env_and_args(alias)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(db_file), *args], env)
        media = media_root()
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "engine": engine,
            "database": db_file.name,
            "migrations": _applied_migrations(alias),
            "media_files": len(files),
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(db_file, arcname=db_file.name)
            for path in files:
                archive.add(path, arcname=f"{MEDIA_PREFIX}/{path.relative_to(media).as_posix()}", recursive=False)
        os.replace(partial, target)
    return target


def read_manifest(path: str | Path) -> dict:
    try:
        with tarfile.open(path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(_("%(file)s is not a backup of this system.") % {"file": path}) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("%(file)s is a backup of another format version.") % {"file": path})
    return manifest


def _safe_media_name(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (MEDIA_PREFIX,) or len(path.parts) < 2:
        return None
    return PurePosixPath(*path.parts[1:])


def restore_backup(path: str | Path, *, alias: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Replace the database's content and the uploaded files with those of the archive."""
    path = Path(path)
    manifest = read_manifest(path)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(_("This backup is of a %(backup)s database; this installation uses %(current)s.")
                          % {"backup": manifest["engine"], "current": engine})
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(_("This backup was made by a newer version of the system (unknown migrations: "
                            "%(names)s); install that version first.") % {"names": ", ".join(unknown[:5])})
    media = media_root()
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media.parent, prefix=".ntm-restore-") as work:
        work = Path(work)
        new_media = work / "media"
        new_media.mkdir()
        db_file = None
        count = 0
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if member.name == manifest["database"] and member.isfile():
                    db_file = work / Path(member.name).name
                    with archive.extractfile(member) as source, open(db_file, "wb") as target:
                        shutil.copyfileobj(source, target)
                    continue
                relative = _safe_media_name(member.name)
                if relative is None or not member.isfile():
                    continue  # the manifest, folders, anything outside media/ (never links)
                target_path = new_media.joinpath(*relative.parts)
                target_path.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(target_path, "wb") as target:
                    shutil.copyfileobj(source, target)
                count += 1
        if db_file is None:
            raise BackupError(_("%(file)s holds no database.") % {"file": path})
        connection = connections[alias]
        if engine == "sqlite":
            source = sqlite3.connect(db_file)
            try:
                connection.ensure_connection()
                # The same API backwards: the live database's pages become the backup's, in one
                # step, under the write lock; other connections see the restored content.
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            connection.close()
            env, args = _pg_env_and_args(alias)
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", "--exit-on-error", *args, str(db_file)], env)
        # Swap the uploaded files in: the old folder goes only once the new one is in place.
        old_media = work / "old-media"
        if media.exists():
            os.replace(media, old_media)
        os.replace(new_media, media)
    newer_code = bool(known - set(manifest["migrations"]))
    return RestoreResult(manifest=manifest, media_files=count, newer_code=newer_code)

