"""The maker's journal of learnings: list, add, edit, delete."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from pm_portfolio.forms import ConfirmForm
from pm_portfolio.learnings import services
from pm_portfolio.learnings.forms import JournalFilterForm
from pm_portfolio.learnings.forms import LearningForm
from pm_portfolio.products.services import product_titles
from pm_portfolio.products.views import owned_product_or_404
from pm_portfolio.skills import all_skills

bp = Blueprint("learnings", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the logged-in maker."""


def owned_learning_or_404(learning_id: int):
    learning = services.owned_learning(current_user.id, learning_id)
    if learning is None:
        abort(404)
    return learning


def learning_form(**kwargs) -> LearningForm:
    return LearningForm(skills=all_skills(), products=product_titles(current_user.id), **kwargs)


def _submit(form: LearningForm, save):
    """Save a valid form and go to where the learning shows; None means show the form again."""
    if not form.validate_on_submit():
        return None
    try:
        learning = save(form.to_data())
    except services.ProductNotOwned:
        form.product_id.errors.append("Choose one of your products.")
        return None
    flash(f"Saved “{learning.title}”.", "success")
    if learning.product_id is not None:
        return redirect(
            url_for("products.show", product_id=learning.product_id, _anchor="build-log")
        )
    return redirect(url_for("learnings.journal"))


@bp.get("/learnings")
def journal():
    products = product_titles(current_user.id)
    filters = JournalFilterForm(request.args, skills=all_skills(), products=products)
    if not filters.validate():
        filters = JournalFilterForm(formdata=None, skills=all_skills(), products=products)
    page = services.journal_page(
        current_user.id,
        page=request.args.get("page", 1, type=int),
        product_id=int(filters.product.data) if filters.product.data else None,
        skill_key=filters.skill.data or None,
    )
    return render_template("learnings/journal.html", page=page, filters=filters)


@bp.route("/learnings/new", methods=["GET", "POST"])
def new():
    form = learning_form()
    saved = _submit(form, lambda data: services.create_learning(current_user.id, data))
    return saved or render_template("learnings/form.html", form=form, learning=None, product=None)


@bp.route("/products/<int:product_id>/learnings/new", methods=["GET", "POST"])
def new_for_product(product_id: int):
    product = owned_product_or_404(product_id)
    form = learning_form(product_id=product.id)
    saved = _submit(form, lambda data: services.create_learning(current_user.id, data))
    return saved or render_template(
        "learnings/form.html", form=form, learning=None, product=product
    )


@bp.route("/learnings/<int:learning_id>/edit", methods=["GET", "POST"])
def edit(learning_id: int):
    learning = owned_learning_or_404(learning_id)
    form = learning_form(obj=learning)
    saved = _submit(form, lambda data: services.update_learning(learning, data))
    return saved or render_template(
        "learnings/form.html", form=form, learning=learning, product=None
    )


@bp.route("/learnings/<int:learning_id>/delete", methods=["GET", "POST"])
def delete(learning_id: int):
    learning = owned_learning_or_404(learning_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = learning.title
        services.delete_learning(learning)
        flash(f"Deleted “{title}”.", "info")
        return redirect(url_for("learnings.journal"))
    return render_template("learnings/delete.html", learning=learning, form=form)
