"""The `coop` command: Flask's CLI group plus coop's own commands, one module per group.

- `db`: `coop init`
- `demo`: `coop demo`
- `jobs`: `coop jobs`, `coop scheduler`
- `serve`: `coop serve` (waitress)
- `orgs`: `coop org add`
- `users`: `coop user add`, `coop user token`, `coop user tokens`, `coop user revoke-token`
- `ledger`: `coop ledger check`, `coop trial-balance`
- `coop.backup`: `coop backup`, `coop restore` (the audit trail's `coop audit verify` comes with its manifest)

A domain's own groups live in the domain (`coop/members/cli.py`) and are added by its manifest.
Each command is one boundary: it commits once, at the end, when it succeeded.
"""
from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from .. import create_app
from ..backup import backup_command, restore_command
from . import db, demo, jobs, ledger, orgs, serve, users

COMMANDS = (
    db.init,
    demo.demo,
    jobs.jobs,
    jobs.scheduler,
    serve.serve,
    orgs.org,
    users.user,
    ledger.ledger,
    ledger.trial_balance,
    backup_command,
    restore_command,
)


def main() -> None:
    FlaskGroup(create_app=create_app, help="coop: books and operations of cooperatives and NGOs.")(prog_name="coop")


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
