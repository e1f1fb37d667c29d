"""`coop backup FILE` and `coop restore FILE [--verify]`.

SQLite: the online backup API (a consistent copy while the application keeps running).
PostgreSQL: `pg_dump -Fc` of the same snapshot the figures below were read in; `pg_restore --clean
--single-transaction` (all or nothing; stop the application first).

Next to FILE, `FILE.manifest.json` holds what the database held at that moment: the row count of
every table and each organization's trial balance. `coop restore FILE --verify` reads them again from
the restored database, compares, runs the ledger check (every balance recomputed from the journal)
and the audit chain check, and exits 1 on any difference.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect, select, text

from .audit import services as audit
from .extensions import db
from .ledger.services import recompute_problems
from .orgs.models import Organization
from .reports.services import trial_balance

FAR_FUTURE = date(9000, 12, 31)  # a trial balance "as of" this date counts every line


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + ".manifest.json")


def snapshot() -> dict:
    """Row counts of every table and each organization's trial balance, read in the current transaction."""
    tables = sorted(t for t in inspect(db.session.connection()).get_table_names() if t != "alembic_version")
    counts = {t: db.session.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}
    balances = {}
    for org in db.session.scalars(select(Organization).order_by(Organization.id)):
        report = trial_balance(org.id, FAR_FUTURE)
        balances[org.slug] = {"rows": [[r.code, r.debit, r.credit] for r in report.rows],
                              "total_debit": report.total_debit, "total_credit": report.total_credit}
    return {"tables": counts, "trial_balances": balances}


def compare(expected: dict, found: dict) -> list[str]:
    problems = []
    for table in sorted(set(expected["tables"]) | set(found["tables"])):
        want, got = expected["tables"].get(table), found["tables"].get(table)
        if want != got:
            problems.append(f"table {table}: {got} rows, the backup had {want}")
    for org in sorted(set(expected["trial_balances"]) | set(found["trial_balances"])):
        if expected["trial_balances"].get(org) != found["trial_balances"].get(org):
            problems.append(f"{org}: the trial balance differs from the backup's")
    return problems


def _libpq_url() -> str:
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path() -> str:
    return db.engine.url.database


def backup(file: Path) -> dict:
    """Write a backup of the whole database to `file` (and its manifest); returns the manifest."""
    dialect = db.engine.dialect.name
    db.session.rollback()
    if dialect == "sqlite":
        # Our session's BEGIN IMMEDIATE holds writers off while the copy and the figures are taken.
        figures = snapshot()
        if file.exists():
            file.unlink()
        source, target = sqlite3.connect(_sqlite_path()), sqlite3.connect(str(file))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif dialect == "postgresql":
        connection = db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        exported = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
        figures = snapshot()
        result = subprocess.run(["pg_dump", "-Fc", f"--snapshot={exported}", "-f", str(file), _libpq_url()],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")
    else:  # pragma: no cover
        raise click.ClickException(f"no backup for {dialect}")
    db.session.rollback()
    manifest = {"dialect": dialect, **figures}
    manifest_path(file).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def restore(file: Path) -> None:
    """Replace the database with the backup in `file` (all or nothing)."""
    dialect = db.engine.dialect.name
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        check = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise click.ClickException(f"{file} is not a sound SQLite database")
            target = sqlite3.connect(_sqlite_path())
            try:
                check.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(f"{file} is not a SQLite backup: {exc}") from exc
        finally:
            check.close()
    elif dialect == "postgresql":
        result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--single-transaction",
                                 "-d", _libpq_url(), str(file)], capture_output=True, text=True)
        if result.returncode != 0:
            raise click.ClickException(f"pg_restore failed (nothing was changed): {result.stderr.strip()[-2000:]}")
    else:  # pragma: no cover
        raise click.ClickException(f"no restore for {dialect}")
    db.engine.dispose()


def verify(file: Path) -> list[str]:
    """Differences between the restored database and the backup's manifest, ledger drift, a broken audit chain."""
    path = manifest_path(file)
    if not path.exists():
        return [f"no manifest {path.name} next to the backup: nothing to compare with"]
    problems = compare(json.loads(path.read_text()), snapshot())
    for org in db.session.scalars(select(Organization).order_by(Organization.id)):
        problems += [f"{org.slug}: {p}" for p in recompute_problems(org.id)]
    problems += audit.verify()
    db.session.rollback()
    return problems


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path):
    """Back the whole database up into FILE (and FILE.manifest.json), while the application runs."""
    manifest = backup(file)
    click.echo(f"Backed up {sum(manifest['tables'].values())} rows of {len(manifest['tables'])} tables to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--verify", "check", is_flag=True, help="compare row counts and trial balances, run the ledger check")
@click.option("--yes", is_flag=True, help="do not ask before replacing the database")
@with_appcontext
def restore_command(file: Path, check: bool, yes: bool):
    """Replace the database with the backup in FILE (stop the application first)."""
    if not yes and sys.stdin.isatty():
        click.confirm(f"Replace {db.engine.url.render_as_string(hide_password=True)} with {file}?", abort=True)
    restore(file)
    click.echo(f"Restored {file}")
    if check:
        problems = verify(file)
        for problem in problems:
            click.echo(f"  {problem}")
        if problems:
            raise SystemExit(1)
        click.echo("Verified: row counts and trial balances match the backup; the ledger check and audit chain pass")

