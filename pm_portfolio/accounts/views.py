"""Sign-up, log-in and the settings where a maker manages their account."""

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from pm_portfolio.accounts.forms import DeleteAccountForm
from pm_portfolio.accounts.forms import LoginForm
from pm_portfolio.accounts.forms import PasswordChangeForm
from pm_portfolio.accounts.forms import RegisterForm
from pm_portfolio.core import accounts
from pm_portfolio.forms.profile import ProfileForm

bp = Blueprint("accounts", __name__)

LOGIN_FAILED = "Incorrect email, username or password."


def _sign_in(user, remember: bool = False) -> None:
    """Start a new session for `user`: nothing from before signing in carries over.

    A form token planted in the browser beforehand would otherwise stay valid.
    """
    session.clear()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.username.data, form.password.data)
        except accounts.AccountTaken:
            form.username.errors.append("That email or username was just taken. Try another.")
        else:
            _sign_in(user)
            flash("Welcome! Your account is ready. Make products.", "success")
            return redirect(url_for("dashboard.index"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = accounts.safe_redirect_target(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            form.password.errors.append(LOGIN_FAILED)
        else:
            _sign_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(next_url or url_for("dashboard.index"))
    return render_template("accounts/login.html", form=form, next_url=next_url)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings_profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        accounts.update_profile(current_user, form.to_data())
        flash("Profile saved.", "success")
        return redirect(url_for("accounts.settings_profile"))
    return render_template("accounts/settings_profile.html", form=form)


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def settings_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not accounts.verify_password(current_user, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            user = current_user._get_current_object()
            accounts.change_password(user, form.new_password.data)
            # The old session token is void now: sign this browser in again under the new one.
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            login_user(user, remember=remembered)
            flash("Password changed. Your other sessions have been signed out.", "success")
            return redirect(url_for("accounts.settings_password"))
    return render_template("accounts/settings_password.html", form=form)


@bp.route("/settings/account", methods=["GET", "POST"])
@login_required
def settings_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not accounts.verify_password(current_user, form.password.data):
            form.password.errors.append("That is not your password.")
        else:
            user = current_user._get_current_object()
            logout_user()
            accounts.delete_account(user)
            flash("Your account and everything in it have been deleted.", "info")
            return redirect(url_for("main.index"))
    return render_template("accounts/settings_account.html", form=form)
