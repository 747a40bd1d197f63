"""The maker's settings: profile, password, signed-in sessions, the calendar feed, and
deleting the account."""

from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import logout_user

from pm_portfolio.accounts.blueprint import bp
from pm_portfolio.accounts.forms import DeleteAccountForm
from pm_portfolio.accounts.forms import EmailsForm
from pm_portfolio.accounts.forms import PasswordChangeForm
from pm_portfolio.accounts.sign_in import sign_out
from pm_portfolio.core import accounts
from pm_portfolio.core import browser_sessions
from pm_portfolio.core import calendar
from pm_portfolio.core import media
from pm_portfolio.core.digests import WEEKDAYS
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.forms.profile import ProfileForm
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.media_settings import media_limits
from pm_portfolio.web.media_settings import media_storage
from pm_portfolio.web.public_urls import public_url

CHOOSE_PHOTO_AGAIN = "Choose the photo again: a page shown again cannot keep a chosen file."


def _profile_page(form=None):
    return render_template(
        "accounts/settings_profile.html",
        form=form or ProfileForm(obj=current_user),
        photo=media.avatar_of(current_user.id),
        confirm_form=ConfirmForm(),
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings_profile():
    """The profile and its photo, saved together by one button; a refused photo saves
    nothing, and the page keeps what was typed."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        photo = form.photo.data
        if photo:
            # Counted against the maker's uploads (web/ratelimits.py).
            g.sent_a_photo = True
            try:
                media.set_avatar(current_user.id, photo.read(), media_storage(), media_limits())
            except media.MediaRefused as error:
                form.photo.errors.append(f"{error} {CHOOSE_PHOTO_AGAIN}")
                return _profile_page(form=form)
        accounts.update_profile(current_user, form.to_data())
        if photo:
            flash("Photo saved. It shows beside your name on your portfolio.", "success")
        flash("Profile saved.", "success")
        return redirect(url_for("accounts.settings_profile"))
    if form.photo.data:
        form.photo.errors.append(CHOOSE_PHOTO_AGAIN)
    return _profile_page(form=form)


@bp.post("/settings/photo/remove")
@login_required
def remove_photo():
    if ConfirmForm().validate_on_submit():
        media.remove_avatar(current_user.id, media_storage())
        flash("Photo removed.", "info")
    return redirect(url_for("accounts.settings_profile"))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def settings_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not accounts.verify_password(current_user, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            accounts.change_password(
                current_user, form.new_password.data, keep_login_id=current_user.get_id()
            )
            flash("Password changed. Your other sessions have been signed out.", "success")
            return redirect(url_for("accounts.settings_password"))
    return render_template("accounts/settings_password.html", form=form)


@bp.get("/settings/sessions")
@login_required
def settings_sessions():
    return render_template(
        "accounts/settings_sessions.html",
        sessions=browser_sessions.open_sessions(current_user.id),
        current_session_id=browser_sessions.current_session_id(current_user.get_id()),
        form=ConfirmForm(),
    )


@bp.post("/settings/sessions/<id:session_id>/end")
@login_required
def end_session(session_id: int):
    row = owned_or_404(browser_sessions.owned_session, session_id)
    if ConfirmForm().validate_on_submit():
        if row.id == browser_sessions.current_session_id(current_user.get_id()):
            return sign_out()
        browser_sessions.end_session(row)
        flash(f"Signed out {row.device}.", "info")
    return redirect(url_for("accounts.settings_sessions"))


@bp.post("/settings/sessions/end-others")
@login_required
def end_other_sessions():
    if ConfirmForm().validate_on_submit():
        browser_sessions.end_all(current_user, keep_login_id=current_user.get_id())
        flash("Signed out everywhere else. This browser stays signed in.", "success")
    return redirect(url_for("accounts.settings_sessions"))


@bp.route("/settings/emails", methods=["GET", "POST"])
@login_required
def settings_emails():
    form = EmailsForm(obj=current_user)
    if form.validate_on_submit():
        accounts.set_emails_and_goal(
            current_user,
            form.weekly_digest.data,
            form.digest_day.data,
            form.follow_up_reminders.data,
            form.weekly_goal.data,
        )
        digest = (
            f"Weekly digest on: every {WEEKDAYS[form.digest_day.data]} from 08:00."
            if form.weekly_digest.data
            else "Weekly digest off."
        )
        reminders = "on" if form.follow_up_reminders.data else "off"
        flash(f"{digest} Follow-up reminders {reminders}.", "success")
        return redirect(url_for("accounts.settings_emails"))
    return render_template("accounts/settings_emails.html", form=form)


@bp.get("/settings/calendar")
@login_required
def settings_calendar():
    feed = calendar.feed_of(current_user.id)
    return render_template(
        "accounts/settings_calendar.html",
        feed_url=public_url("calendar.feed", token=feed.token) if feed else None,
        form=ConfirmForm(),
    )


@bp.post("/settings/calendar")
@login_required
def renew_calendar():
    if ConfirmForm().validate_on_submit():
        had_one = calendar.feed_of(current_user.id) is not None
        calendar.renew_feed(current_user.id)
        if had_one:
            flash("New calendar address made. The old one no longer works.", "success")
        else:
            flash("Your calendar address is ready: add it to your calendar app.", "success")
    return redirect(url_for("accounts.settings_calendar"))


@bp.post("/settings/calendar/revoke")
@login_required
def revoke_calendar():
    if ConfirmForm().validate_on_submit():
        calendar.revoke_feed(current_user.id)
        flash("Calendar address turned off. Calendars that used it get nothing now.", "info")
    return redirect(url_for("accounts.settings_calendar"))


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
            accounts.delete_account(user, media_storage())
            flash("Your account and everything in it have been deleted.", "info")
            return redirect(url_for("main.index"))
    return render_template("accounts/settings_account.html", form=form, confirm_form=ConfirmForm())
