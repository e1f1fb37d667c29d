"""Runs imports and pushes in the background: a row per run, a thread started after the commit.

The run's row (with the uploaded file) is committed by the request; the request then starts a
thread (`response.call_on_close`, i.e. after the boundary's commit). The thread claims the row
(queued -> running, committed), then does the work in one transaction that also writes the row's
final state: an import and its "done" commit together or not at all. A restart loses the thread,
not the run: the row stays running with an old heartbeat, and the next visit to the imports page
(or `coop interchange resume`) starts it again from its row; an interrupted import left nothing
behind, and a push goes on from its watermark. Progress while running is kept in memory of the
process running it (an import's transaction cannot commit midway; SQLite has one writer), so the
progress page assumes the web server runs runs in its own process (one process, many threads:
waitress, or gunicorn --workers 1 --threads N); elsewhere it shows "running" without the figure.
"""
from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import or_, update

from ..errors import CoopError, keep
from ..extensions import db
from ..timeutil import utcnow
from . import imports, services
from .push import push
from .models import InterchangeRun

PROGRESS: dict[int, int] = {}  # run id -> rows done, for the runs this process is running


def claim(run_id: int) -> bool:
    """queued (or stale running) -> running, committed; False when another thread has it."""
    now = utcnow()
    claimed = db.session.execute(update(InterchangeRun).where(
        InterchangeRun.id == run_id,
        or_(InterchangeRun.status == "queued",
            (InterchangeRun.status == "running") & or_(InterchangeRun.heartbeat_at.is_(None),
                                                        InterchangeRun.heartbeat_at < now - services.STALE)))
        .values(status="running", started_at=now, heartbeat_at=now)).rowcount
    db.session.commit()
    return bool(claimed)


def execute(app: Flask, run_id: int) -> None:
    """Do one run to its end in this thread (the caller has an app context or not)."""
    with app.app_context():
        try:
            if run_id in PROGRESS or not claim(run_id):
                return
            PROGRESS[run_id] = 0
            run = db.session.get(InterchangeRun, run_id)
            if run.kind == "odoo_push":
                push(run.org_id, run.id, secret_key=app.config["SECRET_KEY"], checkpoint=db.session.commit)
            else:
                _import(run)
            db.session.commit()
        except Exception as error:  # the runner is a boundary: any failure ends the run as failed
            db.session.rollback()
            run = db.session.get(InterchangeRun, run_id)
            if run is not None:
                run.status, run.finished_at = "failed", utcnow()
                run.problems = [_problem(None, getattr(error, "field", None), error)]
                db.session.commit()
        finally:
            PROGRESS.pop(run_id, None)
            db.session.remove()


def _problem(row, column, message) -> dict:
    """A problem kept on the run: its English words, and the refusal untranslated (template and values) so that
    the run's page says it in the language of whoever reads it, not the job's."""
    english = message.message if isinstance(message, CoopError) else str(message)
    return {"row": row, "column": column, "message": english, "said": keep(message)}


def _import(run: InterchangeRun) -> None:
    mapping = dict(run.mapping or {})
    as_of = mapping.pop("_as_of", None)  # as the officer wrote it: imports.run checks it (next to its field)
    run_id = run.id

    def progress(done: int) -> None:
        PROGRESS[run_id] = done

    try:
        outcome = imports.run(run.org_id, run.kind, run.content, run.filename, mapping, dry_run=run.dry_run,
                              actor_id=run.created_by, as_of=as_of, progress=progress)
        run.status = "failed" if outcome.problems else "done"  # a dry run with problems cannot be confirmed
    except imports.ImportProblems as refused:
        db.session.rollback()  # all rows or none
        run = db.session.get(InterchangeRun, run_id)
        outcome, run.status = refused.outcome, "failed"
    run.done = outcome.rows
    run.total = max(run.total, outcome.rows)
    run.summary = {"done": outcome.done, "skipped": outcome.skipped, "rows": outcome.rows}
    run.problems = [_problem(p.row, p.column, p.message) for p in outcome.problems[:1000]]
    run.finished_at = utcnow()
    run.heartbeat_at = utcnow()


def start(app: Flask, run_id: int) -> threading.Thread:
    thread = threading.Thread(target=execute, args=(app, run_id), name=f"coop-run-{run_id}", daemon=True)
    thread.start()
    return thread


def resume(app: Flask) -> list[int]:
    """Start the queued runs and those a restart cut off."""
    started = [run_id for run_id in services.runs_to_start() if run_id not in PROGRESS]
    for run_id in started:
        start(app, run_id)
    return started
