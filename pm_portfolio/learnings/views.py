"""The maker's journal of learnings: list, add, edit, delete."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from pm_portfolio.core import learnings
from pm_portfolio.core.products import owned_product
from pm_portfolio.core.products import product_titles
from pm_portfolio.core.skills import all_skills
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.forms.filters import JournalFilterForm
from pm_portfolio.forms.learnings import LearningForm
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import require_login
from pm_portfolio.web.routing import page_number

bp = Blueprint("learnings", __name__)
require_login(bp)


def learning_form(**kwargs) -> LearningForm:
    return LearningForm(skills=all_skills(), products=product_titles(current_user.id), **kwargs)


def _submit(form: LearningForm, save):
    """Save a valid form and go to where the learning shows; None means show the form again."""
    if not form.validate_on_submit():
        return None
    data = form.to_data()
    try:
        save(data)
    except learnings.ProductNotOwned:
        form.product_id.errors.append("Choose one of your products.")
        return None
    except learnings.LearningGone:
        abort(404)
    # From what was sent, not the saved row: a product deleted meanwhile takes it along.
    flash(f"Saved “{data.title}”.", "success")
    if data.product_id is not None:
        return redirect(url_for("products.show", product_id=data.product_id, _anchor="build-log"))
    return redirect(url_for("learnings.journal"))


@bp.get("/learnings")
def journal():
    filters = JournalFilterForm.from_query(
        request.args, all_skills(), product_titles(current_user.id)
    )
    page = learnings.journal_page(current_user.id, filters.to_filters(), page=page_number())
    return render_template("learnings/journal.html", page=page, filters=filters)


@bp.route("/learnings/new", methods=["GET", "POST"])
def new():
    form = learning_form()
    saved = _submit(form, lambda data: learnings.create_learning(current_user.id, data))
    return saved or render_template("learnings/form.html", form=form, learning=None, product=None)


@bp.route("/products/<id:product_id>/learnings/new", methods=["GET", "POST"])
def new_for_product(product_id: int):
    owned_or_404(owned_product, product_id)
    form = learning_form(product_id=product_id)
    saved = _submit(form, lambda data: learnings.create_learning(current_user.id, data))
    # Looked up again: a product deleted meanwhile (in another tab) is now a 404.
    return saved or render_template(
        "learnings/form.html",
        form=form,
        learning=None,
        product=owned_or_404(owned_product, product_id),
    )


@bp.route("/learnings/<id:learning_id>/edit", methods=["GET", "POST"])
def edit(learning_id: int):
    learning = owned_or_404(learnings.owned_learning, learning_id)
    form = learning_form(obj=learning)
    saved = _submit(form, lambda data: learnings.update_learning(learning, data))
    return saved or render_template(
        "learnings/form.html", form=form, learning=learning, product=None
    )


@bp.route("/learnings/<id:learning_id>/delete", methods=["GET", "POST"])
def delete(learning_id: int):
    learning = owned_or_404(learnings.owned_learning, learning_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = learning.title
        learnings.delete_learning(learning)
        flash(f"Deleted “{title}”.", "info")
        return redirect(url_for("learnings.journal"))
    return render_template("learnings/delete.html", learning=learning, form=form)
