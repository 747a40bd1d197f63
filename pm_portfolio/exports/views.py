"""Taking data out (CSV, JSON backup) and putting it back (CSV import, backup restore)."""

import json
import tempfile

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import stream_with_context
from flask import url_for
from flask_login import current_user

from pm_portfolio import clock
from pm_portfolio.core.media import used_bytes
from pm_portfolio.core.products import product_titles
from pm_portfolio.core.skills import all_skills
from pm_portfolio.exports import backup
from pm_portfolio.exports import csv_export
from pm_portfolio.exports import csv_import
from pm_portfolio.exports import resume_import
from pm_portfolio.exports.formats import APPLICATION_COLUMNS
from pm_portfolio.exports.formats import APPLICATIONS
from pm_portfolio.exports.formats import COLUMNS
from pm_portfolio.exports.formats import LEARNING_COLUMNS
from pm_portfolio.exports.formats import LEARNINGS
from pm_portfolio.exports.formats import METRIC_COLUMNS
from pm_portfolio.exports.formats import PRODUCT_COLUMNS
from pm_portfolio.exports.formats import PRODUCTS
from pm_portfolio.exports.formats import RESUME
from pm_portfolio.exports.formats import export_filename
from pm_portfolio.exports.forms import ImportForm
from pm_portfolio.exports.forms import RestoreForm
from pm_portfolio.exports.media_backup import MissingFile
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.forms.filters import JournalFilterForm
from pm_portfolio.forms.filters import ProductFilterForm
from pm_portfolio.forms.profile import ProfileForm
from pm_portfolio.web.access import makers_today
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import require_login
from pm_portfolio.web.media_settings import allows_uploads_up_to
from pm_portfolio.web.media_settings import media_limits
from pm_portfolio.web.media_settings import media_storage
from pm_portfolio.web.public_urls import public_url

bp = Blueprint("exports", __name__)
require_login(bp)


def _attachment(body, filename: str, content_type: str) -> Response:
    return Response(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _csv(rows, columns: list[str], kind: str) -> Response:
    return _attachment(
        stream_with_context(csv_export.stream_csv(columns, rows)),
        export_filename(kind, clock.today()),
        "text/csv; charset=utf-8",
    )


@bp.get("/export/products.csv")
def products_csv():
    filters = ProductFilterForm.from_query(request.args, all_skills())
    rows = csv_export.product_rows(current_user.id, filters.to_filters())
    return _csv(rows, PRODUCT_COLUMNS, "products")


@bp.get("/export/metrics.csv")
def metrics_csv():
    filters = ProductFilterForm.from_query(request.args, all_skills())
    rows = csv_export.metric_rows(current_user.id, filters.to_filters())
    return _csv(rows, METRIC_COLUMNS, "metrics")


@bp.get("/export/learnings.csv")
def learnings_csv():
    filters = JournalFilterForm.from_query(
        request.args, all_skills(), product_titles(current_user.id)
    )
    rows = csv_export.learning_rows(current_user.id, filters.to_filters())
    return _csv(rows, LEARNING_COLUMNS, "learnings")


@bp.get("/export/applications.csv")
def applications_csv():
    rows = csv_export.application_rows(
        current_user.id,
        lambda token: public_url("portfolio.share", token=token),
        current_user.time_zone,
    )
    return _csv(rows, APPLICATION_COLUMNS, "applications")


# Beyond this, a ZIP being built goes to a temporary file.
ARCHIVE_MEMORY_BYTES = 16 * 1024 * 1024


@bp.get("/export/backup.zip")
def backup_zip():
    # Spooled: a maker's media (up to their quota) goes to disk, not into memory.
    archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY_BYTES)  # noqa: SIM115 - the response closes it
    try:
        backup.backup_archive(current_user, clock.now(), media_storage(), archive)
    except MissingFile as error:
        archive.close()
        current_app.logger.error("Media file %s is missing from storage", error)
        flash(
            "A picture or file of yours is missing from storage, so the ZIP backup could not "
            "be made. The JSON backup works; the site's operator has been told.",
            "error",
        )
        return redirect(url_for("exports.data"))
    archive.seek(0)
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=export_filename("backup", clock.today(), "zip"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/export/backup.json")
def backup_json():
    document = backup.backup(current_user, clock.now())
    return _attachment(
        json.dumps(document, ensure_ascii=False, indent=2),
        export_filename("backup", clock.today(), "json"),
        "application/json; charset=utf-8",
    )


# Both forms share a page: prefixes keep their field names and ids apart.
IMPORT_PREFIX = "import"
RESTORE_PREFIX = "restore"


def _data_page(import_form=None, restore_form=None):
    return render_template(
        "exports/data.html",
        import_form=import_form or ImportForm(formdata=None, prefix=IMPORT_PREFIX),
        restore_form=restore_form or RestoreForm(formdata=None, prefix=RESTORE_PREFIX),
        media_used=used_bytes(current_user.id),
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
    schema_check = None
    try:
        text = csv_import.decode_upload(upload.read())
        if form.kind.data == RESUME:
            schema_check = resume_import.check_schema(resume_import.read_resume(text))
        else:
            csv_import.read_rows(text, COLUMNS[form.kind.data])
    except (csv_import.BadImportFile, resume_import.NotAResume) as error:
        form.file.errors.append(str(error))
        return _data_page(import_form=form)
    draft = csv_import.save_draft(
        current_user.id, form.kind.data, upload.filename or "", text, schema_check
    )
    return redirect(url_for("exports.preview_import", draft_id=draft.id))


@bp.route("/settings/data/imports/<id:draft_id>", methods=["GET", "POST"])
def preview_import(draft_id: int):
    draft = owned_or_404(csv_import.owned_draft, draft_id)
    try:
        plan = csv_import.check_draft(draft)
    except csv_import.BadImportFile as error:
        flash(str(error), "error")
        return redirect(url_for("exports.data"))
    form = ConfirmForm()
    if form.validate_on_submit() and not plan.problems:
        try:
            csv_import.complete_import(current_user.id, draft_id, plan, makers_today())
        except csv_import.BadImportFile as error:
            flash(str(error), "error")
            return redirect(url_for("exports.data"))
        unchanged = f" ({plan.unchanged} unchanged)" if plan.unchanged else ""
        flash(f"Imported {plan.creates} new and {plan.updates} updated {plan.kind}{unchanged}"
              f"{' and filled in your profile' if plan.profile else ''}.", "success")  # fmt: skip
        endpoint = {
            PRODUCTS: "products.index",
            LEARNINGS: "learnings.journal",
            APPLICATIONS: "applications.index",
        }[plan.kind]
        return redirect(url_for(endpoint))
    return render_template(
        "exports/preview.html",
        draft=draft,
        plan=plan,
        form=form,
        # The names the maker knows from Settings → Profile.
        profile_labels={
            field.name: field.label.text for field in ProfileForm(meta={"csrf": False})
        },
    )


def _restore_limit(config) -> int:
    # A ZIP backup holds up to the maker's whole quota of media, beside its JSON.
    return config["MEDIA_QUOTA_BYTES"] + csv_import.MAX_IMPORT_BYTES + 256 * 1024


@bp.post("/settings/data/restore")
@allows_uploads_up_to(_restore_limit)
def restore():
    form = RestoreForm(prefix=RESTORE_PREFIX)
    if not form.validate_on_submit():
        return _data_page(restore_form=form)
    try:
        summary = backup.restore_backup(
            current_user, form.file.data.read(), media_storage(), media_limits()
        )
    except csv_import.BadImportFile as error:
        form.file.errors.append(str(error))
        return _data_page(restore_form=form)
    flash(f"Restored {summary}.", "success")
    return redirect(url_for("dashboard.index"))
