"""Pages: the Odoo export and sync (admins), the imports (officers), a run's progress."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import STAFF, roles_required
from ..errors import Invalid
from ..web.forms import load_form
from . import imports, odoo, runner, services
from .schemas import ExportSchema, OdooSettingsSchema, PushSchema, UploadSchema

bp = Blueprint("interchange", __name__, url_prefix="/o/<org>/interchange")
MAX_UPLOAD = 64 * 1024 * 1024


def setup(app) -> None:
    app.config.setdefault("INTERCHANGE_RUN_INLINE", False)  # tests: run in the request's thread after commit


def _start_after_commit(response: Response, run_id: int) -> Response:
    """The run starts once the boundary has committed its row: after the response is done."""
    app = current_app._get_current_object()
    if app.config.get("INTERCHANGE_RUN_INLINE"):
        response.call_on_close(lambda: runner.execute(app, run_id))
    else:
        response.call_on_close(lambda: runner.start(app, run_id))
    return response


# ---------------------------------------------------------------- Odoo


@bp.get("/odoo")
@roles_required("admin")
def odoo_page():
    runs = [run for run in services.recent_runs(g.org.id) if run.kind == "odoo_push"]
    return render_template("interchange/odoo.html", connection=services.connection(g.org.id), runs=runs,
                           files=odoo.IMPORT_ORDER)


@bp.get("/odoo/export.zip")
@roles_required("admin")
def odoo_zip():
    data = ExportSchema().load({k: v for k, v in request.args.items() if v})
    export = services.export_odoo(g.org.id, since=data["since"], actor_id=current_user.id)
    return Response(odoo.zip_bytes(export), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{g.org.slug}-odoo.zip"'})


@bp.post("/odoo/settings")
@roles_required("admin")
def odoo_settings():
    data = load_form(OdooSettingsSchema())
    services.save_connection(g.org.id, secret_key=current_app.config["SECRET_KEY"], actor_id=current_user.id, **data)
    return redirect(url_for("interchange.odoo_page"), code=303)


@bp.post("/odoo/push")
@roles_required("admin")
def odoo_push():
    data = load_form(PushSchema())
    run = services.create_run(g.org.id, "odoo_push", actor_id=current_user.id, dry_run=data["dry_run"])
    return _start_after_commit(redirect(url_for("interchange.run_page", run_id=run.id), code=303), run.id)


# ---------------------------------------------------------------- imports


@bp.get("/imports")
@roles_required(*STAFF)
def imports_page():
    runner.resume(current_app._get_current_object())
    runs = [run for run in services.recent_runs(g.org.id) if run.kind != "odoo_push"]
    return render_template("interchange/imports.html", kinds=imports.KINDS, runs=runs)


@bp.post("/imports")
@roles_required(*STAFF)
def upload():
    data = load_form(UploadSchema())
    spec = imports.kind(data["kind"])
    file = request.files.get("file")
    if file is None or not file.filename:
        raise Invalid("Choose the file to upload.", field="file")
    content = file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise Invalid("The file is larger than 64 MB: split it by year.", field="file")
    imports.check_file(spec, file.filename)
    imports.check_not_empty(content, file.filename)  # refuses what cannot be read, or holds nothing, now
    run = services.create_run(g.org.id, spec.name, actor_id=current_user.id, dry_run=True, filename=file.filename,
                              content=content)
    if spec.whole_file:  # a Beancount ledger names its own accounts: no columns to match, straight to the dry run
        return _start_after_commit(redirect(url_for("interchange.run_page", run_id=run.id), code=303), run.id)
    run.status = "draft"
    return redirect(url_for("interchange.map_page", run_id=run.id), code=303)


def _mappable(run, spec) -> bool:
    """Columns are matched before the dry run, and again after one (a wrong choice), never once imported."""
    return not spec.whole_file and run.dry_run and run.status in ("draft", "done", "failed")


@bp.get("/imports/<int:run_id>/map")
@roles_required(*STAFF)
def map_page(run_id: int):
    run = services.get_run(g.org.id, run_id)
    spec = imports.kind(run.kind)
    if not _mappable(run, spec):  # nothing to match (a Beancount ledger), or on its way: its progress
        return redirect(url_for("interchange.run_page", run_id=run.id))
    header, _rows = imports.read_table(run.content, run.filename)
    mapping = imports.guess_mapping(spec.fields, header, run.mapping or services.column_map(g.org.id, spec.name))
    return render_template("interchange/map.html", run=run, spec=spec, header=header, mapping=mapping,
                           label=imports.field_label, as_of=(run.mapping or {}).get("_as_of", ""),
                           preview=imports.preview(run.content, run.filename, mapping, spec.fields))


@bp.post("/imports/<int:run_id>/map")
@roles_required(*STAFF)
def save_map(run_id: int):
    run = services.get_run(g.org.id, run_id)
    spec = imports.kind(run.kind)
    if not _mappable(run, spec):
        raise Invalid("This file is already being checked or imported: open its progress.")
    header, _rows = imports.read_table(run.content, run.filename)
    mapping = {name: request.form.get(f"col_{name}", "") for name in spec.fields
               if request.form.get(f"col_{name}", "") in header}
    imports.check_mapping(spec, header, mapping)
    as_of = request.form.get("as_of", "").strip()
    imports.as_of_date(g.org.id, spec, as_of)  # a wrong date is refused here, next to its field, before any run
    services.remember_column_map(g.org.id, spec.name, mapping)
    run.mapping = dict(mapping, _as_of=as_of) if as_of else mapping
    run.status, run.dry_run, run.summary, run.problems = "queued", True, None, None
    return _start_after_commit(redirect(url_for("interchange.run_page", run_id=run.id), code=303), run.id)


@bp.post("/imports/<int:run_id>/confirm")
@roles_required(*STAFF)
def confirm(run_id: int):
    run = services.confirm_import(g.org.id, run_id, actor_id=current_user.id)
    return _start_after_commit(redirect(url_for("interchange.run_page", run_id=run.id), code=303), run.id)


@bp.get("/runs/<int:run_id>")
@roles_required(*STAFF)
def run_page(run_id: int):
    run = services.get_run(g.org.id, run_id)
    if run.status == "draft" and run.kind in imports.KINDS and not imports.kind(run.kind).whole_file:
        return redirect(url_for("interchange.map_page", run_id=run.id))
    done = runner.PROGRESS.get(run.id, run.done)
    preview, spec = None, None
    if run.kind != "odoo_push":
        spec = imports.kind(run.kind)
        mapping = {k: v for k, v in (run.mapping or {}).items() if not k.startswith("_")}
        if run.content:
            preview = imports.preview(run.content, run.filename, mapping, spec.fields)
    return render_template("interchange/run.html", run=run, done=done, preview=preview, spec=spec,
                           label=imports.field_label,
                           refresh=run.status in ("queued", "running"), remap=spec is not None and _mappable(run, spec))
