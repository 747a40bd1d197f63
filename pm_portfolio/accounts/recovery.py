"""Links by email: forgotten passwords, confirming an address, changing it."""

from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from pm_portfolio import clock
from pm_portfolio.accounts import links as account_links
from pm_portfolio.accounts.blueprint import bp
from pm_portfolio.accounts.forms import EmailChangeForm
from pm_portfolio.accounts.forms import ForgotPasswordForm
from pm_portfolio.accounts.forms import ResetPasswordForm
from pm_portfolio.accounts.links import lifetime
from pm_portfolio.accounts.sign_in import send_confirmation
from pm_portfolio.core import accounts
from pm_portfolio.core.mail import compose
from pm_portfolio.core.mail import send
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.web.deferred import after_response
from pm_portfolio.web.public_urls import public_url

RESET_SENT = (
    "If an account uses that address, we have sent it a link to choose a new password. "
    f"It works for {lifetime(account_links.RESET_VALID_FOR)}."
)


def _expired(what: str):
    return render_template(
        "accounts/link_expired.html",
        what=what,
        reset_valid_for=lifetime(account_links.RESET_VALID_FOR),
    ), 404


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(form.email.data)
        if user is not None:
            link = public_url("accounts.reset_password", token=account_links.reset_token(user))
            valid_for = lifetime(account_links.RESET_VALID_FOR)
            message = compose(user.email, "Choose a new password", "reset_password",
                              user=user, link=link, valid_for=valid_for)  # fmt: skip
            # Sent after the response, so that its timing does not tell who has an account.
            after_response(send, message)
        # Counted against the sign-up and reset email limits, known address or not.
        g.asked_for_account_email = True
        flash(RESET_SENT, "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if account_links.user_to_reset(token) is None:
        return _expired("password reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = account_links.reset_password(token, form.new_password.data, clock.now())
        if user is None:
            # Used a moment ago, in another tab.
            return _expired("password reset")
        flash("Password changed, and every session signed out. Log in with it.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, token=token)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link shows a button rather than acting: mail scanners open links, and a link
    must not sign anyone in (someone could send theirs to another person)."""
    user = account_links.user_to_confirm(token)
    if user is None:
        return _expired("confirmation")
    form = ConfirmForm()
    if form.validate_on_submit():
        account_links.confirm_email(token, clock.now())
        flash("Thank you: your email address is confirmed.", "success")
        if current_user.is_authenticated:
            return redirect(url_for("dashboard.index"))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", form=form, address=user.email)


@bp.post("/settings/email/confirm")
@login_required
def resend_confirmation():
    if ConfirmForm().validate_on_submit() and not current_user.email_verified_at:
        send_confirmation(current_user)
        flash(f"We sent a new link to {current_user.email}.", "info")
    return redirect(url_for("accounts.settings_account"))


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        if not accounts.verify_password(current_user, form.password.data):
            form.password.errors.append("That is not your password.")
        else:
            new_email = accounts.normalise_email(form.new_email.data)
            link = public_url(
                "accounts.confirm_email_change",
                token=account_links.email_change_token(current_user, new_email),
            )
            message = compose(new_email, "Confirm your new email address", "change_email",
                              user=current_user, link=link, new_email=new_email,
                              valid_for=lifetime(account_links.CHANGE_VALID_FOR))  # fmt: skip
            after_response(send, message)
            flash(f"We sent a link to {new_email}. Your address changes when you open it.", "info")
            return redirect(url_for("accounts.settings_account"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/email/change/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    try:
        _user, new_email = account_links.email_change(token)
    except account_links.EmailChangeRefused:
        return _expired("email change")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user, old_email = account_links.change_email(token, clock.now())
        except account_links.EmailChangeRefused:
            return _expired("email change")
        after_response(send, compose(old_email, "Your email address was changed",
                                     "email_changed", user=user, old_email=old_email))  # fmt: skip
        flash(f"Your email address is now {user.email}.", "success")
        return redirect(url_for("accounts.settings_account"))
    return render_template("accounts/confirm_email_change.html", form=form, new_email=new_email)
