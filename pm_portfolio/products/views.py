"""The maker's own products: list, create, read, edit, delete."""

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
from pm_portfolio.products import services
from pm_portfolio.products.forms import ProductFilterForm
from pm_portfolio.products.forms import ProductForm
from pm_portfolio.sharing.services import product_link
from pm_portfolio.skills import all_skills

bp = Blueprint("products", __name__, url_prefix="/products")


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the logged-in maker."""


def owned_product_or_404(product_id: int, with_details: bool = False):
    find = services.owned_product_with_details if with_details else services.owned_product
    product = find(current_user.id, product_id)
    if product is None:
        abort(404)
    return product


@bp.get("")
def index():
    skills = all_skills()
    filters = ProductFilterForm(request.args, skills=skills)
    if not filters.validate():
        filters = ProductFilterForm(formdata=None, skills=skills)
    products = services.list_products(
        current_user.id, status=filters.status.data, skill_key=filters.skill.data
    )
    return render_template("products/index.html", products=products, filters=filters)


def _submit(form: ProductForm, save):
    """Save a valid form and redirect to the product; None means show the form (again)."""
    if form.add_metric.data:
        form.add_metric_row()
        return None
    if form.validate_on_submit():
        try:
            product = save(form.to_data())
        except services.SlugTaken:
            form.slug.errors.append("You already have a product at this address.")
        else:
            flash(f"Saved “{product.title}”.", "success")
            return redirect(url_for("products.show", product_id=product.id))
    form.ensure_blank_metric_row()
    return None


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ProductForm(skills=all_skills(), owner_id=current_user.id)
    saved = _submit(form, lambda data: services.create_product(current_user.id, data))
    return saved or render_template("products/form.html", form=form, product=None)


@bp.get("/<int:product_id>")
def show(product_id: int):
    product = owned_product_or_404(product_id, with_details=True)
    return render_template(
        "products/show.html",
        product=product,
        share_link=product_link(product.id),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
def edit(product_id: int):
    product = owned_product_or_404(product_id)
    form = ProductForm(
        obj=product, skills=all_skills(), owner_id=current_user.id, product_id=product.id
    )
    saved = _submit(form, lambda data: services.update_product(product, data))
    return saved or render_template("products/form.html", form=form, product=product)


@bp.route("/<int:product_id>/delete", methods=["GET", "POST"])
def delete(product_id: int):
    product = owned_product_or_404(product_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = product.title
        services.delete_product(product)
        flash(f"Deleted “{title}” with its metrics and learnings.", "info")
        return redirect(url_for("products.index"))
    return render_template("products/delete.html", product=product, form=form)
