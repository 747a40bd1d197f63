"""The maker's applications: the board, one application with what its employer did,
the form, moving a stage, and the application's link."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from pm_portfolio import clock
from pm_portfolio.applications.feed import application_url
from pm_portfolio.applications.feed import calendar_response
from pm_portfolio.applications.feed import uid_host
from pm_portfolio.core import applications
from pm_portfolio.core import calendar
from pm_portfolio.core import share_links
from pm_portfolio.forms.applications import ApplicationForm
from pm_portfolio.forms.applications import StageForm
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.models import Application
from pm_portfolio.web.access import makers_today
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import require_login
from pm_portfolio.web.public_urls import public_url

bp = Blueprint("applications", __name__)
require_login(bp)

NOT_SHAREABLE = "Choose among your public and unlisted products."


@bp.get("/applications")
def index():
    closed = request.args.get("show") == "closed"
    view = "table" if request.args.get("view") == "table" else "board"
    sort = request.args.get("sort", "stage")
    sort = sort if sort in applications.SORTS else "stage"
    cards = applications.board_cards(current_user.id, closed, sort)
    active, closed_count = applications.active_and_closed_counts(current_user.id)
    return render_template(
        "applications/index.html",
        cards=cards,
        stages=applications.CLOSED_STAGES if closed else applications.ACTIVE_STAGES,
        all_stages=applications.STAGES,
        closed=closed,
        view=view,
        sort=sort,
        counts={"active": active, "closed": closed_count},
        stage_form=StageForm(),
    )


def _form_page(form: ApplicationForm, application: Application | None = None):
    products = {product.id: product for product in share_links.shareable_products(current_user.id)}
    return render_template(
        "applications/form.html",
        form=form,
        application=application,
        products=products,
        source_domains=applications.SOURCE_DOMAINS,
        source_labels=applications.SOURCE_LABELS,
    )


@bp.route("/applications/new", methods=["GET", "POST"])
def new():
    form = ApplicationForm()
    if not form.is_submitted():
        form.fill(share_links.shareable_products(current_user.id))
    elif form.validate():
        try:
            application = applications.create_application(
                current_user.id, form.to_data(), makers_today()
            )
        except share_links.ProductNotShareable:
            form.case_studies.errors.append(NOT_SHAREABLE)
        else:
            flash(f"Saved your application to {application.company}.", "success")
            return redirect(url_for(".show", application_id=application.id))
    return _form_page(form)


@bp.get("/applications/<id:application_id>")
def show(application_id: int):
    application = owned_or_404(applications.owned_application, application_id)
    link = application.share_link
    return render_template(
        "applications/show.html",
        application=application,
        link=link,
        link_url=public_url("portfolio.share", token=link.token) if link else None,
        link_open=link is not None and share_links.is_open(link, clock.today()),
        activity=applications.link_activity(link),
        source_label=applications.source_label(application.source),
        stage_form=StageForm(stage=application.stage),
        confirm_form=ConfirmForm(),
        all_stages=applications.STAGES,
    )


@bp.route("/applications/<id:application_id>/edit", methods=["GET", "POST"])
def edit(application_id: int):
    application = owned_or_404(applications.owned_application, application_id)
    form = ApplicationForm(obj=applications.application_data(application))
    form.has_link = application.share_link is not None
    if not form.is_submitted():
        form.fill(share_links.shareable_products(current_user.id), application)
    elif form.validate():
        try:
            applications.update_application(application, form.to_data(), makers_today())
        except share_links.ProductNotShareable:
            form.case_studies.errors.append(NOT_SHAREABLE)
        else:
            flash("Application saved.", "success")
            return redirect(url_for(".show", application_id=application.id))
    return _form_page(form, application)


@bp.get("/applications/<id:application_id>/next-step.ics")
def next_step_ics(application_id: int):
    application = owned_or_404(applications.owned_application, application_id)
    if application.next_step_on is None or not application.next_step:
        abort(404)
    body = calendar.next_steps_calendar(
        [application], current_user.time_zone, clock.now(), uid_host(), application_url
    )
    return calendar_response(body, f"next-step-{application.id}.ics")


@bp.post("/applications/<id:application_id>/stage")
def move(application_id: int):
    application = owned_or_404(applications.owned_application, application_id)
    form = StageForm()
    if form.validate_on_submit() and applications.move_stage(
        application, form.stage.data, makers_today()
    ):
        flash(f"{application.company}: moved to {application.stage_label}.", "success")
    anchor = f"application-{application.id}"
    back = request.form.get("back")
    if back == "board":
        return redirect(url_for(".index", _anchor=anchor))
    if back == "closed":
        return redirect(url_for(".index", show="closed", _anchor=anchor))
    return redirect(url_for(".show", application_id=application.id))


@bp.route("/applications/<id:application_id>/delete", methods=["GET", "POST"])
def delete(application_id: int):
    application = owned_or_404(applications.owned_application, application_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        company = application.company
        applications.delete_application(application)
        flash(f"Deleted your application to {company}; its link no longer opens.", "info")
        return redirect(url_for(".index"))
    return render_template("applications/delete.html", application=application, form=form)


@bp.post("/applications/<id:application_id>/link/renew")
def renew_link(application_id: int):
    application = owned_or_404(applications.owned_application, application_id)
    if application.share_link is not None and ConfirmForm().validate_on_submit():
        share_links.renew_link(application.share_link)
        flash("New link made. The old address no longer opens.", "success")
    return redirect(url_for(".show", application_id=application.id, _anchor="link"))


@bp.post("/applications/<id:application_id>/link/revoke")
def revoke_link(application_id: int):
    application = owned_or_404(applications.owned_application, application_id)
    if application.share_link is not None and ConfirmForm().validate_on_submit():
        share_links.revoke_link(application.share_link, clock.now())
        flash("Link revoked. Anyone who opens it now finds nothing.", "info")
    return redirect(url_for(".show", application_id=application.id, _anchor="link"))
