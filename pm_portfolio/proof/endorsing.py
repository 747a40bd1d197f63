"""What an endorser sees: the one claim they were asked to confirm, and their answer.

No account: the token in the address is the key, not a cookie. Their answer reaches
readers only once the maker approves it; withdrawing kills the link for good.
"""

from flask import Blueprint
from flask import Response
from flask import abort
from flask import make_response
from flask import redirect
from flask import render_template
from flask import url_for

from pm_portfolio import clock
from pm_portfolio.core import endorsements
from pm_portfolio.core import mail
from pm_portfolio.core.publishing import owner_by_id
from pm_portfolio.extensions import db
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.models import Endorsement
from pm_portfolio.models import EndorsementState
from pm_portfolio.models import User
from pm_portfolio.proof.forms import EndorseForm
from pm_portfolio.web.deferred import after_response
from pm_portfolio.web.public_urls import public_url

bp = Blueprint("endorse", __name__)


def _open_or_404(token: str) -> Endorsement:
    endorsement = endorsements.find_open(token, clock.today())
    if endorsement is None:
        abort(404)
    return endorsement


def _private(body: str) -> Response:
    response = make_response(body)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(endorsement: Endorsement, form: EndorseForm) -> Response:
    return _private(
        render_template(
            "proof/endorse.html",
            endorsement=endorsement,
            owner=owner_by_id(endorsement.user_id),
            product=endorsement.product,
            form=form,
            confirm_form=ConfirmForm(),
        )
    )


def _tell_the_maker(endorsement: Endorsement) -> None:
    maker = db.session.get(User, endorsement.user_id)
    what = {"confirmed": "confirmed", "declined": "declined", "withdrawn": "withdrew"}
    message = mail.compose(
        maker.email,
        f"{endorsement.name or endorsement.asked_name} {what[endorsement.state]} your claim",
        "endorsement_answered",
        maker=maker,
        endorsement=endorsement,
        product_url=public_url("products.show", product_id=endorsement.product_id, _anchor="proof"),
    )
    after_response(mail.send, message)


@bp.route("/e/<token>", methods=["GET", "POST"])
def claim(token: str):
    endorsement = _open_or_404(token)
    form = EndorseForm()
    if not form.is_submitted():
        endorsements.mark_opened(endorsement, clock.now())
        if not endorsement.name:
            form.name.data = endorsement.asked_name
        return _page(endorsement, form)
    if endorsement.state not in endorsements.AWAITING:
        return redirect(url_for(".claim", token=token), 303)
    if not form.validate():
        return _page(endorsement, form)
    endorsements.confirm(
        endorsement, form.name.data, form.relationship.data, form.quote.data or "", clock.now()
    )
    _tell_the_maker(endorsement)
    return redirect(url_for(".claim", token=token), 303)


@bp.post("/e/<token>/decline")
def decline(token: str):
    endorsement = _open_or_404(token)
    if endorsement.state in endorsements.AWAITING and ConfirmForm().validate_on_submit():
        endorsements.decline(endorsement, clock.now())
        _tell_the_maker(endorsement)
    return redirect(url_for(".claim", token=token), 303)


@bp.post("/e/<token>/withdraw")
def withdraw(token: str):
    """Only a confirmation can be withdrawn; a request not answered yet is declined."""
    endorsement = _open_or_404(token)
    if endorsement.state != EndorsementState.CONFIRMED or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".claim", token=token), 303)
    endorsements.withdraw(endorsement, clock.now())
    _tell_the_maker(endorsement)
    return _private(render_template("proof/withdrawn.html", owner=owner_by_id(endorsement.user_id)))
