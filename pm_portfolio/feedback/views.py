"""The maker's side of feedback: review links, and the comments reviewers left."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from pm_portfolio import clock
from pm_portfolio.core import mail
from pm_portfolio.core import reviews
from pm_portfolio.feedback.forms import ReplyForm
from pm_portfolio.feedback.forms import ReviewLinkForm
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.models import ReviewComment
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import require_login
from pm_portfolio.web.deferred import after_response

bp = Blueprint("feedback", __name__)
require_login(bp)


@bp.get("/feedback")
def index():
    resolved = request.args.get("show") == "resolved"
    return render_template(
        "feedback/index.html",
        comments=reviews.feedback(current_user.id, resolved=resolved),
        resolved=resolved,
        links=reviews.review_links(current_user.id),
        today=clock.today(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/feedback/links/new", methods=["GET", "POST"])
def new_link():
    products = reviews.reviewable_products(current_user.id)
    form = ReviewLinkForm()
    if not form.is_submitted():
        form.fill_products(products, request.args.get("product", type=int))
    elif form.validate():
        try:
            link = reviews.create_review_link(current_user.id, form.to_data())
        except reviews.NotReviewable:
            form.items.errors.append("Choose among your own products.")
        else:
            flash("Review link ready. Copy it and send it to your reviewer.", "success")
            return redirect(url_for(".index", _anchor=f"review-link-{link.id}"))
    return render_template(
        "feedback/link_form.html",
        form=form,
        products={product.id: product for product in products},
    )


@bp.post("/feedback/links/<id:review_link_id>/revoke")
def revoke_link(review_link_id: int):
    link = owned_or_404(reviews.owned_link, review_link_id)
    if ConfirmForm().validate_on_submit():
        reviews.revoke_review_link(link, clock.now())
        flash("Review link revoked. Its comments stay here.", "info")
    return redirect(url_for(".index", _anchor="review-links"))


def _back(comment: ReviewComment):
    """Where the maker acted on a comment: its product's page, or the feedback page."""
    if request.form.get("back") == "product":
        return redirect(
            url_for("products.show", product_id=comment.product_id, _anchor=f"comment-{comment.id}")
        )
    shown = {"show": "resolved"} if comment.resolved_at else {}
    return redirect(url_for(".index", **shown, _anchor=f"comment-{comment.id}"))


@bp.post("/feedback/comments/<id:comment_id>/resolve")
def resolve(comment_id: int):
    comment = owned_or_404(reviews.owned_comment, comment_id)
    if ConfirmForm().validate_on_submit():
        reviews.resolve(comment, clock.now())
    return _back(comment)


@bp.post("/feedback/comments/<id:comment_id>/reopen")
def reopen(comment_id: int):
    comment = owned_or_404(reviews.owned_comment, comment_id)
    if ConfirmForm().validate_on_submit():
        reviews.reopen(comment)
    return _back(comment)


@bp.post("/feedback/comments/<id:comment_id>/reply")
def reply(comment_id: int):
    comment = owned_or_404(reviews.owned_comment, comment_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reply.errors) or "Write your reply.", "error")
        return _back(comment)
    try:
        reviews.reply(comment, form.reply.data, clock.now())
    except reviews.AlreadyReplied:
        flash("You have already replied to this comment.", "error")
        return _back(comment)
    if comment.author_email:
        message = mail.compose(
            comment.author_email,
            f"{current_user.name} replied to your comment",
            "review_reply",
            comment=comment,
            maker=current_user,
            product_title=comment.product.title,
        )
        after_response(mail.send, message)
        flash(f"Reply saved and sent to {comment.author_name}.", "success")
    else:
        flash(f"Reply saved. {comment.author_name} left no email, so it was not sent.", "success")
    return _back(comment)
