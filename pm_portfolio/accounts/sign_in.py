"""Signing up, in and out. Each sign-in is a browser session the maker can end later."""

from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from pm_portfolio import clock
from pm_portfolio.accounts import links as account_links
from pm_portfolio.accounts.blueprint import bp
from pm_portfolio.accounts.forms import LoginForm
from pm_portfolio.accounts.forms import RegisterForm
from pm_portfolio.core import accounts
from pm_portfolio.core import browser_sessions
from pm_portfolio.core.mail import compose
from pm_portfolio.core.mail import send
from pm_portfolio.database import READ_ONLY_METHODS
from pm_portfolio.models import User
from pm_portfolio.web.deferred import after_response
from pm_portfolio.web.public_urls import public_url

LOGIN_FAILED = "Incorrect email, username or password."
EMAIL_HAS_ACCOUNT = "That email already has an account: log in, or reset your password."


def sign_in(user: User, remember: bool = False) -> None:
    """Start a new session for `user` in this browser: nothing from before carries over.

    A form token planted in the browser beforehand would otherwise stay valid.
    """
    session.clear()
    browser_sessions.start(user, request.user_agent.string, clock.now())
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Sign up, and be signed in at once: the address can be confirmed later.

    A taken email is said plainly (and its owner told by email): an app that signs a
    new address in tells who has an account anyway. The sign-up email limits
    (web/ratelimits.py) bound how fast anyone can ask.
    """
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = RegisterForm()
    email_has_account = False
    if form.validate_on_submit():
        # Counted against the sign-up and reset email limits: either way an email goes out.
        g.asked_for_account_email = True
        existing = accounts.find_user_by_email(form.email.data)
        if existing is not None:
            subject = "Someone tried to sign up with your email"
            after_response(send, compose(existing.email, subject, "sign_up_attempt",
                                         user=existing))  # fmt: skip
            form.email.errors.append(EMAIL_HAS_ACCOUNT)
            email_has_account = True
        else:
            try:
                user = accounts.create_user(
                    form.email.data, form.username.data, form.password.data, form.time_zone.data
                )
            except accounts.AccountTaken:
                form.username.errors.append("That username was just taken. Please choose another.")
            else:
                send_confirmation(user)
                sign_in(user)
                flash(_welcome(user), "success")
                return redirect(url_for("dashboard.index"))
    return render_template("accounts/register.html", form=form, email_has_account=email_has_account)


def _welcome(user: User) -> str:
    where = (
        " (printed in the terminal where the app runs: no mail server is set up)"
        if current_app.config.get("MAIL_BACKEND") == "console"
        else ""
    )
    return (
        f"Welcome, {user.name}. We sent a link to {user.email}{where} to confirm your "
        "address; everything works meanwhile."
    )


def send_confirmation(user: User) -> None:
    """The link that confirms the maker's address, sent once the response has gone out."""
    link = public_url("accounts.confirm_email", token=account_links.confirmation_token(user))
    valid_for = account_links.lifetime(account_links.CONFIRMATION_VALID_FOR)
    message = compose(user.email, "Confirm your email address", "confirm_email",
                      user=user, link=link, valid_for=valid_for)  # fmt: skip
    after_response(send, message)


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
    browser_sessions.end_by_login_id(current_user.get_id())
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.post("/logout")
@login_required
def logout():
    return sign_out()


def load_signed_in_user(login_id: str) -> User | None:
    """Flask-Login's user loader: the user of an open browser session, else nobody."""
    # A request that may write holds SQLite's write lock from its first query (see
    # database.py), so only reads record when the session was last seen.
    return browser_sessions.resolve(
        login_id, clock.now(), record_seen=request.method in READ_ONLY_METHODS
    )
