"""The maker's own products: list, create, read, edit, delete."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from pm_portfolio import clock
from pm_portfolio.core import coach
from pm_portfolio.core import endorsements
from pm_portfolio.core import learnings
from pm_portfolio.core import media
from pm_portfolio.core import products
from pm_portfolio.core import reviews
from pm_portfolio.core import revisions
from pm_portfolio.core.dates import moment_label
from pm_portfolio.core.publishing import reach
from pm_portfolio.core.share_links import product_link
from pm_portfolio.core.skills import all_skills
from pm_portfolio.forms.endorsements import EndorsementRequestForm
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.forms.fields import form_messages
from pm_portfolio.forms.filters import ProductFilterForm
from pm_portfolio.forms.products import JournalDraftForm
from pm_portfolio.forms.products import ProductForm
from pm_portfolio.forms.products import product_formdata
from pm_portfolio.models import Visibility
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import require_login
from pm_portfolio.web.media_settings import media_storage

bp = Blueprint("products", __name__, url_prefix="/products")
require_login(bp)


@bp.get("")
def index():
    filters = ProductFilterForm.from_query(request.args, all_skills())
    listed = products.list_products(current_user.id, filters.to_filters())
    return render_template(
        "products/index.html",
        products=listed,
        readiness=coach.readiness_of(current_user.id, [product.id for product in listed]),
        filters=filters,
    )


def _submit(form: ProductForm, save):
    """Save a valid form and redirect to the product; None means show the form (again).

    `save(data)` returns the product's id. The message comes from what was sent, not
    from the saved row, which another tab may delete the moment it is committed.
    """
    if form.add_metric.data:
        form.add_metric_row()
        return None
    if form.validate_on_submit():
        data = form.to_data()
        try:
            product_id = save(data)
        except products.SlugTaken:
            form.slug.errors.append("You already have a product at this address.")
        except products.ProductGone:
            abort(404)
        else:
            flash(f"Saved “{data.title}”.", "success")
            return redirect(url_for("products.show", product_id=product_id))
    form.ensure_blank_metric_row()
    return None


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ProductForm(skills=all_skills(), owner_id=current_user.id)
    saved = _submit(form, lambda data: products.create_product(current_user.id, data).id)
    return saved or render_template("products/form.html", form=form, product=None)


@bp.get("/<id:product_id>")
def show(product_id: int):
    product = owned_or_404(products.owned_product_with_details, product_id)
    request_form = EndorsementRequestForm(formdata=None)
    request_form.offer(endorsements.claims_of(product))
    return render_template(
        "products/show.html",
        product=product,
        reach=reach(product, current_user.show_ideas),
        share_link=product_link(product.id),
        readiness=coach.readiness_of(current_user.id, [product.id])[product.id],
        hidden_entries=learnings.hidden_build_log(current_user.id, product.id),
        comments=reviews.comments_on(current_user.id, product),
        review_links=reviews.open_review_links(current_user.id, product.id, clock.today()),
        endorsement_requests=endorsements.requests_for(current_user.id, product.id),
        claims=endorsements.current_claims(product),
        today=clock.today(),
        request_form=request_form,
        confirm_form=ConfirmForm(),
    )


@bp.post("/<id:product_id>/build-log/show")
def show_build_log(product_id: int):
    """The coach's one-click fix: show readers the build-log entries it counts."""
    product = owned_or_404(products.owned_product, product_id)
    if ConfirmForm().validate_on_submit():
        shown = learnings.show_build_log(current_user.id, product.id)
        entries = "entry is" if shown == 1 else "entries are"
        if not shown:
            flash("No build-log entry was hidden.", "info")
        elif product.visibility == Visibility.PRIVATE:
            flash(f"{shown} build-log {entries} now public; readers see them when the "
                  "product is public too.", "success")  # fmt: skip
        else:
            flash(f"{shown} build-log {entries} now shown on the case study.", "success")
    return redirect(url_for("products.show", product_id=product.id))


@bp.route("/<id:product_id>/edit", methods=["GET", "POST"])
def edit(product_id: int):
    product = owned_or_404(products.owned_product, product_id)
    form = ProductForm(
        obj=product,
        skills=all_skills(),
        owner_id=current_user.id,
        product_id=product.id,
        evidence=media.evidence_options(product),
    )
    build_log = learnings.build_log_of(current_user.id, product.id)
    draft = JournalDraftForm(request.form if request.method == "POST" else None, prefix="draft")
    draft.offer(build_log)
    inserted = None
    if draft.insert.data:
        if draft.validate():
            section = form[draft.section.data]
            chosen = draft.chosen(build_log)
            section.data = learnings.with_draft(section.data or "", learnings.journal_draft(chosen))
            inserted = len(chosen)
        form.ensure_blank_metric_row()
    else:

        def save(data: products.ProductData) -> int:
            products.update_product(product, data)
            return product_id

        if saved := _submit(form, save):
            return saved
    return render_template(
        "products/form.html",
        form=form,
        product=product,
        draft_form=draft if build_log else None,
        inserted=inserted,
        readiness=coach.readiness_of(current_user.id, [product.id])[product.id],
    )


@bp.route("/<id:product_id>/delete", methods=["GET", "POST"])
def delete(product_id: int):
    product = owned_or_404(products.owned_product, product_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = product.title
        products.delete_product(product, media_storage())
        flash(f"Deleted “{title}” with its metrics and learnings.", "info")
        return redirect(url_for("products.index"))
    return render_template("products/delete.html", product=product, form=form)


@bp.get("/<id:product_id>/revisions")
def revisions_list(product_id: int):
    product = owned_or_404(products.owned_product, product_id)
    return render_template(
        "products/revisions.html",
        product=product,
        revisions=revisions.revisions_of(product.id),
        labels=revisions.CASE_STUDY_FIELDS,
    )


def _owned_revision_or_404(product_id: int, revision_id: int):
    revision = revisions.owned_revision(current_user.id, product_id, revision_id)
    if revision is None:
        abort(404)
    return revision


@bp.get("/<id:product_id>/revisions/<id:revision_id>")
def revision(product_id: int, revision_id: int):
    revision = _owned_revision_or_404(product_id, revision_id)
    product = owned_or_404(products.owned_product, product_id)
    return render_template(
        "products/revision.html",
        product=product,
        revision=revision,
        diffs=revisions.compare(revision.content, revisions.snapshot(product)),
        form=ConfirmForm(),
    )


@bp.post("/<id:product_id>/revisions/<id:revision_id>/restore")
def restore_revision(product_id: int, revision_id: int):
    revision = _owned_revision_or_404(product_id, revision_id)
    product = owned_or_404(products.owned_product, product_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(
            url_for("products.revision", product_id=product_id, revision_id=revision_id)
        )
    # Checked by the form's rules: a revision restored from a backup may hold anything.
    form = ProductForm(
        formdata=product_formdata(products.revision_data(product, revision)),
        meta={"csrf": False},
        skills=all_skills(),
        owner_id=current_user.id,
        product_id=product.id,
        evidence=media.evidence_options(product),
    )
    if not form.validate():
        flash("This version cannot be restored: it holds what the product form refuses "
              f"({'; '.join(form_messages(form.errors))}).", "error")  # fmt: skip
        return redirect(
            url_for("products.revision", product_id=product_id, revision_id=revision_id)
        )
    when = moment_label(revision.created_at, current_user.time_zone)
    try:
        products.update_product(product, form.to_data())
    except (products.ProductGone, products.SlugTaken):
        abort(404)
    flash(f"Restored the version saved {when}. The one before it is kept in the history.",
          "success")  # fmt: skip
    return redirect(url_for("products.show", product_id=product_id))
