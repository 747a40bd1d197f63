"""The maker's share links: one per unlisted product, and named links per employer."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from pm_portfolio.core import share_links
from pm_portfolio.core.analytics import share_link_stats
from pm_portfolio.core.products import owned_product
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.sharing.forms import PortfolioLinkForm
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import require_login

bp = Blueprint("sharing", __name__)
require_login(bp)


@bp.post("/products/<id:product_id>/share-link")
def regenerate_product_link(product_id: int):
    product = owned_or_404(owned_product, product_id)
    if ConfirmForm().validate_on_submit():
        share_links.regenerate_product_link(product)
        flash("New share link made. The old one no longer works.", "success")
    return redirect(url_for("products.show", product_id=product.id, _anchor="sharing"))


@bp.post("/products/<id:product_id>/share-link/revoke")
def revoke_product_link(product_id: int):
    product = owned_or_404(owned_product, product_id)
    link = share_links.product_link(product.id)
    if link is not None and ConfirmForm().validate_on_submit():
        share_links.delete_link(link)
        flash("Share link revoked. Anyone who opens it now finds nothing.", "info")
    return redirect(url_for("products.show", product_id=product.id, _anchor="sharing"))


@bp.get("/share-links")
def index():
    return render_template("sharing/index.html", links=share_link_stats(current_user.id))


def _link_form_page(form: PortfolioLinkForm, link=None):
    products = {product.id: product for product in share_links.shareable_products(current_user.id)}
    return render_template("sharing/form.html", form=form, link=link, products=products)


@bp.route("/share-links/new", methods=["GET", "POST"])
def new():
    form = PortfolioLinkForm()
    if not form.is_submitted():
        form.fill_products(share_links.shareable_products(current_user.id))
    elif form.validate():
        try:
            share_links.create_portfolio_link(current_user.id, form.to_data())
        except share_links.ProductNotShareable:
            form.items.errors.append("Choose among your public and unlisted products.")
        else:
            flash("Share link ready. Copy it and send it.", "success")
            return redirect(url_for("sharing.index"))
    return _link_form_page(form)


@bp.route("/share-links/<id:link_id>/edit", methods=["GET", "POST"])
def edit(link_id: int):
    link = owned_or_404(share_links.owned_link, link_id)
    if not link.is_portfolio_link:
        abort(404)
    form = PortfolioLinkForm(obj=link)
    if not form.is_submitted():
        form.fill_products(share_links.shareable_products(current_user.id), link)
    elif form.validate():
        try:
            share_links.update_portfolio_link(link, form.to_data())
        except share_links.ProductNotShareable:
            form.items.errors.append("Choose among your public and unlisted products.")
        else:
            flash("Share link saved.", "success")
            return redirect(url_for("sharing.index"))
    return _link_form_page(form, link)


@bp.route("/share-links/<id:link_id>/revoke", methods=["GET", "POST"])
def revoke(link_id: int):
    link = owned_or_404(share_links.owned_link, link_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        share_links.delete_link(link)
        flash("Share link revoked. Anyone who opens it now finds nothing.", "info")
        return redirect(url_for("sharing.index"))
    return render_template("sharing/revoke.html", link=link, form=form)
