"""What a reviewer sees: the drafts a review link shows, and their own comments.

No account: the link's token is the key to the drafts, and the token in a comment's
confirmation page's address (not a cookie) the key to change or delete that comment
for an hour.
Drafts change and are private, so nothing here is cached or indexed.
"""

from flask import Blueprint
from flask import Response
from flask import abort
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from pm_portfolio import clock
from pm_portfolio.core import reviews
from pm_portfolio.core.publishing import build_log
from pm_portfolio.feedback.forms import CommentForm
from pm_portfolio.feedback.forms import EditCommentForm
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.models import Product
from pm_portfolio.models import ReviewLink

bp = Blueprint("review", __name__)

NOINDEX = "noindex, nofollow"


def _open_link_or_404(token: str) -> ReviewLink:
    link = reviews.find_open_link(token, clock.today())
    if link is None:
        abort(404)
    return link


def _product_or_404(link: ReviewLink, slug: str) -> Product:
    product = reviews.product_of(link, slug)
    if product is None:
        abort(404)
    return product


def _private(body: str) -> Response:
    response = make_response(body)
    response.headers["X-Robots-Tag"] = NOINDEX
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _case_study_page(link: ReviewLink, product: Product, several: bool) -> Response:
    learnings = build_log(product)
    return _private(
        render_template(
            "feedback/review.html",
            link=link,
            owner=link.user,
            product=product,
            learnings=learnings,
            sections=reviews.sections_of(product, bool(learnings)),
            several=several,
        )
    )


@bp.get("/r/<token>")
def review(token: str):
    link = _open_link_or_404(token)
    product = reviews.product_of(link)
    if product is not None:
        return _case_study_page(link, product, several=False)
    products = reviews.products_of(link)
    if not products:
        abort(404)
    return _private(
        render_template("feedback/review_list.html", link=link, owner=link.user, products=products)
    )


@bp.get("/r/<token>/<slug>")
def case_study(token: str, slug: str):
    link = _open_link_or_404(token)
    product = _product_or_404(link, slug)
    return _case_study_page(link, product, several=not reviews.shows_one(link))


def _sections(product: Product) -> list[reviews.Section]:
    return reviews.sections_of(product, bool(build_log(product)))


@bp.route("/r/<token>/comment/<slug>", methods=["GET", "POST"])
def comment(token: str, slug: str):
    link = _open_link_or_404(token)
    product = _product_or_404(link, slug)
    sections = _sections(product)
    form = CommentForm()
    form.offer(sections)
    if not form.is_submitted():
        asked = request.args.get("section", reviews.WHOLE)
        form.section.data = asked if any(item.key == asked for item in sections) else reviews.WHOLE
    elif form.validate():
        if form.is_from_a_robot:
            return redirect(_back_to(link, product), 303)
        _comment, edit_token = reviews.add_comment(
            link, product, sections, form.to_data(), clock.now()
        )
        return redirect(url_for(".own_comment", token=token, edit_token=edit_token), 303)
    return _private(
        render_template(
            "feedback/comment.html",
            link=link,
            owner=link.user,
            product=product,
            form=form,
            back_url=_back_to(link, product),
        )
    )


def _back_to(link: ReviewLink, product: Product) -> str:
    if reviews.shows_one(link):
        return url_for(".review", token=link.token)
    return url_for(".case_study", token=link.token, slug=product.slug)


def _editable_or_404(link: ReviewLink, edit_token: str):
    found = reviews.editable_comment(link, edit_token, clock.now())
    if found is None:
        abort(404)
    return found


@bp.route("/r/<token>/comments/<edit_token>", methods=["GET", "POST"])
def own_comment(token: str, edit_token: str):
    """The reviewer's confirmation page: their comment, to change or delete for an hour,
    and a form for another one, with their name kept."""
    link = _open_link_or_404(token)
    saved = _editable_or_404(link, edit_token)
    edit_form = EditCommentForm(prefix="edit")
    if not edit_form.is_submitted():
        edit_form.comment.data = saved.body
    elif edit_form.validate():
        reviews.edit_comment(saved, edit_form.comment.data, clock.now())
        return redirect(url_for(".own_comment", token=token, edit_token=edit_token), 303)
    product = saved.product
    next_form = CommentForm(formdata=None, name=saved.author_name, email=saved.author_email)
    next_form.offer(_sections(product))
    return _private(
        render_template(
            "feedback/own_comment.html",
            link=link,
            owner=link.user,
            product=product,
            comment=saved,
            edit_token=edit_token,
            edit_form=edit_form,
            delete_form=ConfirmForm(),
            next_form=next_form,
            deadline=reviews.edit_deadline(saved),
            back_url=_back_to(link, product),
        )
    )


@bp.post("/r/<token>/comments/<edit_token>/delete")
def delete_own_comment(token: str, edit_token: str):
    link = _open_link_or_404(token)
    saved = _editable_or_404(link, edit_token)
    product = saved.product
    if ConfirmForm().validate_on_submit():
        reviews.delete_comment(saved)
    return redirect(_back_to(link, product), 303)
