"""Publishing the portfolio: its own step, on a page that says what readers will see."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from pm_portfolio.accounts.blueprint import bp
from pm_portfolio.core import accounts
from pm_portfolio.core.publishing import empty_portfolio_advice
from pm_portfolio.core.publishing import reader_view
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.forms.profile import PublishForm


@bp.route("/settings/publish", methods=["GET", "POST"])
@login_required
def publish():
    """Publish (or, once live, change whether ideas show), then show the live address."""
    form = PublishForm(obj=current_user)
    if form.validate_on_submit():
        was_published = current_user.is_published
        accounts.publish(current_user, show_ideas=form.show_ideas.data)
        flash("Your portfolio is live." if not was_published else "Saved.", "success")
        reader = reader_view(current_user.id, current_user.show_ideas)
        if reader.is_empty:
            flash(f"Readers see no product yet. {empty_portfolio_advice(reader)}", "warning")
        return redirect(url_for("accounts.publish"))
    return render_template(
        "accounts/publish.html",
        form=form,
        unpublish_form=ConfirmForm(),
        reader=reader_view(current_user.id, current_user.show_ideas),
    )


@bp.post("/settings/unpublish")
@login_required
def unpublish():
    if ConfirmForm().validate_on_submit():
        accounts.unpublish(current_user)
        flash("Your portfolio is offline: only you can see it. Share links still work.", "info")
    return redirect(url_for("accounts.publish"))
