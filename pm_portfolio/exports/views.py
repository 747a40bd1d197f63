"""Taking data out (CSV, JSON backup) and putting it back (CSV import, backup restore)."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

import click
from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import stream_with_context
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from pm_portfolio.accounts.services import find_user_for_login
from pm_portfolio.exports import imports
from pm_portfolio.exports import services
from pm_portfolio.exports.forms import ImportForm
from pm_portfolio.exports.forms import RestoreForm
from pm_portfolio.forms import ConfirmForm
from pm_portfolio.learnings.forms import JournalFilterForm
from pm_portfolio.products.forms import ProductFilterForm
from pm_portfolio.products.services import product_titles
from pm_portfolio.skills import all_skills

bp = Blueprint("exports", __name__, cli_group=None)


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the logged-in maker."""


def _attachment(body, filename: str, mimetype: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _csv(rows, columns: list[str], kind: str) -> Response:
    return _attachment(
        stream_with_context(services.stream_csv(columns, rows)),
        services.export_filename(kind, date.today()),
        "text/csv; charset=utf-8",
    )


@bp.get("/export/products.csv")
def products_csv():
    filters = ProductFilterForm(request.args, skills=all_skills())
    status, skill = (filters.status.data, filters.skill.data) if filters.validate() else ("", "")
    rows = services.product_rows(current_user.id, status=status, skill_key=skill)
    return _csv(rows, services.PRODUCT_COLUMNS, "products")


@bp.get("/export/learnings.csv")
def learnings_csv():
    filters = JournalFilterForm(
        request.args, skills=all_skills(), products=product_titles(current_user.id)
    )
    product, skill = (filters.product.data, filters.skill.data) if filters.validate() else ("", "")
    rows = services.learning_rows(
        current_user.id, product_id=int(product) if product else None, skill_key=skill
    )
    return _csv(rows, services.LEARNING_COLUMNS, "learnings")


@bp.get("/export/backup.json")
def backup_json():
    backup = services.backup(current_user, datetime.now(UTC))
    return _attachment(
        json.dumps(backup, ensure_ascii=False, indent=2),
        services.export_filename("backup", date.today(), "json"),
        "application/json",
    )


# Both forms share a page: prefixes keep their field names and ids apart.
IMPORT_PREFIX = "import"
RESTORE_PREFIX = "restore"


def _data_page(import_form=None, restore_form=None):
    return render_template(
        "exports/data.html",
        import_form=import_form or ImportForm(formdata=None, prefix=IMPORT_PREFIX),
        restore_form=restore_form or RestoreForm(formdata=None, prefix=RESTORE_PREFIX),
    )


@bp.get("/settings/data")
def data():
    return _data_page()


@bp.post("/settings/data/import")
def upload_import():
    form = ImportForm(prefix=IMPORT_PREFIX)
    if not form.validate_on_submit():
        return _data_page(import_form=form)
    upload = form.file.data
    try:
        text = imports.decode_upload(upload.read())
        imports.read_rows(text, imports.COLUMNS[form.kind.data])
    except imports.BadImportFile as error:
        form.file.errors.append(str(error))
        return _data_page(import_form=form)
    draft = imports.save_draft(current_user.id, form.kind.data, upload.filename or "", text)
    return redirect(url_for("exports.preview_import", draft_id=draft.id))


def _owned_draft_or_404(draft_id: int):
    draft = imports.owned_draft(current_user.id, draft_id)
    if draft is None:
        abort(404)
    return draft


@bp.route("/settings/data/imports/<int:draft_id>", methods=["GET", "POST"])
def preview_import(draft_id: int):
    draft = _owned_draft_or_404(draft_id)
    try:
        plan = imports.plan_import(current_user.id, draft.kind, draft.content)
    except imports.BadImportFile as error:
        flash(str(error), "error")
        return redirect(url_for("exports.data"))
    form = ConfirmForm()
    if form.validate_on_submit() and not plan.problems:
        imports.complete_import(draft, plan)
        flash(f"Imported {plan.creates} new and {plan.updates} updated {draft.kind}.", "success")
        endpoint = "products.index" if draft.kind == imports.PRODUCTS else "learnings.journal"
        return redirect(url_for(endpoint))
    return render_template("exports/preview.html", draft=draft, plan=plan, form=form)


@bp.post("/settings/data/restore")
def restore():
    form = RestoreForm(prefix=RESTORE_PREFIX)
    if not form.validate_on_submit():
        return _data_page(restore_form=form)
    try:
        summary = imports.restore_backup(current_user, form.file.data.read())
    except imports.BadImportFile as error:
        form.file.errors.append(str(error))
        return _data_page(restore_form=form)
    flash(f"Restored {summary}.", "success")
    return redirect(url_for("dashboard.index"))


@bp.cli.command("import-backup")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Username of the (empty) account.")
def import_backup_command(backup_file: Path, username: str) -> None:
    """Restore a JSON backup into an empty account."""
    user = find_user_for_login(username)
    if user is None:
        raise click.ClickException(f"No user with the username {username!r}.")
    try:
        summary = imports.restore_backup(user, backup_file.read_bytes())
    except imports.BadImportFile as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {summary}.")
