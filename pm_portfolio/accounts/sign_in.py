"""Signing up, in and out. Each sign-in is a browser session the maker can end later."""

from datetime import UTC
from datetime import datetime

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

from pm_portfolio.accounts.blueprint import bp
from pm_portfolio.accounts.forms import LoginForm
from pm_portfolio.accounts.forms import RegisterForm
from pm_portfolio.core import accounts
from pm_portfolio.core import browser_sessions
from pm_portfolio.models import User

LOGIN_FAILED = "Incorrect email, username or password."


def sign_in(user: User, remember: bool = False) -> None:
    """Start a new session for `user` in this browser: nothing from before carries over.

    A form token planted in the browser beforehand would otherwise stay valid.
    """
    session.clear()
    browser_sessions.start(user, request.user_agent.string, datetime.now(UTC))
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
            sign_in(user)
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
            sign_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(next_url or url_for("dashboard.index"))
    return render_template("accounts/login.html", form=form, next_url=next_url)


def sign_out():
    """End this browser's session, on the server too, and go home."""
    browser_sessions.end(current_user.get_id())
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.post("/logout")
@login_required
def logout():
    return sign_out()


def load_signed_in_user(login_id: str) -> User | None:
    """Flask-Login's user loader: the user of an open browser session, else nobody."""
    return browser_sessions.resolve(login_id, datetime.now(UTC))
