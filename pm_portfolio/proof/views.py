"""The maker's side of proof: asking someone to confirm a claim, and deciding what
readers see of their answer."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import url_for
from flask_login import current_user

from pm_portfolio import clock
from pm_portfolio.core import endorsements
from pm_portfolio.core import mail
from pm_portfolio.core.products import owned_product
from pm_portfolio.forms.endorsements import EndorsementRequestForm
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.forms.fields import form_messages
from pm_portfolio.models import Endorsement
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import require_login
from pm_portfolio.web.deferred import after_response
from pm_portfolio.web.public_urls import public_url

bp = Blueprint("proof", __name__)
require_login(bp)


def _back(product_id: int, endorsement_id: int | None = None):
    anchor = f"endorsement-{endorsement_id}" if endorsement_id else "proof"
    return redirect(url_for("products.show", product_id=product_id, _anchor=anchor))


def _send_request(endorsement: Endorsement, reminder: bool = False) -> None:
    """Email the request to the person asked, after the response."""
    subject = f"{current_user.name} asks you to confirm a claim"
    message = mail.compose(
        endorsement.asked_email,
        f"Reminder: {subject}" if reminder else subject,
        "endorsement_request",
        maker=current_user,
        endorsement=endorsement,
        product_title=endorsement.product.title,
        link=public_url("endorse.claim", token=endorsement.token),
    )
    after_response(mail.send, message)


@bp.post("/products/<id:product_id>/endorsements")
def ask(product_id: int):
    product = owned_or_404(owned_product, product_id)
    form = EndorsementRequestForm()
    form.offer(endorsements.claims_of(product))
    if not form.validate_on_submit():
        flash(" ".join(form_messages(form.errors)) or "Choose a claim.", "error")
        return _back(product.id)
    try:
        endorsement = endorsements.ask(
            product, form.claim.data, form.asked_name.data, form.asked_email.data or "",
            clock.today(),
        )  # fmt: skip
    except endorsements.UnknownClaim:
        flash("That claim is no longer in the case study.", "error")
        return _back(product.id)
    if endorsement.asked_email:
        _send_request(endorsement)
        flash(f"Request emailed to {endorsement.asked_name}.", "success")
    else:
        flash(f"Request ready: copy its link and send it to {endorsement.asked_name}.", "success")
    return _back(product.id, endorsement.id)


def _owned(endorsement_id: int) -> Endorsement:
    return owned_or_404(endorsements.owned_endorsement, endorsement_id)


@bp.post("/endorsements/<id:endorsement_id>/approve")
def approve(endorsement_id: int):
    endorsement = _owned(endorsement_id)
    if ConfirmForm().validate_on_submit() and endorsements.set_approved(endorsement, True):
        flash("Readers now see this confirmation beside the claim.", "success")
    return _back(endorsement.product_id, endorsement.id)


@bp.post("/endorsements/<id:endorsement_id>/hide")
def hide(endorsement_id: int):
    endorsement = _owned(endorsement_id)
    if ConfirmForm().validate_on_submit():
        endorsements.set_approved(endorsement, False)
        flash("Hidden from readers.", "info")
    return _back(endorsement.product_id, endorsement.id)


@bp.post("/endorsements/<id:endorsement_id>/ask-again")
def ask_again(endorsement_id: int):
    endorsement = _owned(endorsement_id)
    today = clock.today()
    if ConfirmForm().validate_on_submit() and endorsements.can_ask_again(
        endorsement, endorsement.product, today
    ):
        try:
            endorsements.ask_again(endorsement, endorsement.product, today)
        except endorsements.UnknownClaim:
            flash("That claim is no longer in the case study: ask about another.", "error")
            return _back(endorsement.product_id, endorsement.id)
        if endorsement.asked_email:
            _send_request(endorsement)
        flash("Asked again, with the claim as it reads now, at a new link.", "success")
    return _back(endorsement.product_id, endorsement.id)


@bp.post("/endorsements/<id:endorsement_id>/remind")
def remind(endorsement_id: int):
    endorsement = _owned(endorsement_id)
    if ConfirmForm().validate_on_submit() and endorsements.can_remind(endorsement, clock.today()):
        endorsements.mark_reminded(endorsement, clock.now())
        _send_request(endorsement, reminder=True)
        flash(f"Reminder sent to {endorsement.asked_name}. There is no second one.", "success")
    return _back(endorsement.product_id, endorsement.id)


@bp.post("/endorsements/<id:endorsement_id>/delete")
def delete(endorsement_id: int):
    endorsement = _owned(endorsement_id)
    product_id = endorsement.product_id
    if ConfirmForm().validate_on_submit():
        endorsements.delete(endorsement)
        flash("Request deleted, with their name and address.", "info")
    return _back(product_id)
