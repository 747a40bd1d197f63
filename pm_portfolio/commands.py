"""The app's command-line commands, in one place: `flask --app app <command>`.

seed-demo      a demo maker with a realistic portfolio
import-backup  restore a backup into an empty account
media gc       delete stored files no item refers to
views flush    write the counted views waiting in Redis
feedback send  email makers the reviewers' comments they have not heard of
mail failed    list (and retry) the letters the mail queue gave up on
digest send    send the weekly digests that are due
reminders send send the follow-up reminders whose morning has come
"""

import secrets
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import with_appcontext
from rq.job import Job

from pm_portfolio import clock
from pm_portfolio.core import accounts
from pm_portfolio.core import analytics
from pm_portfolio.core import mail
from pm_portfolio.core import media
from pm_portfolio.database import writing_transactions
from pm_portfolio.demo.seed import DEMO_EMAIL
from pm_portfolio.demo.seed import seed_demo_portfolio
from pm_portfolio.digests import reminding
from pm_portfolio.digests import sending
from pm_portfolio.exports import backup
from pm_portfolio.exports import csv_import
from pm_portfolio.feedback import notifying
from pm_portfolio.web.media_settings import media_limits
from pm_portfolio.web.media_settings import media_storage

media_commands = AppGroup("media", help="Stored media files.")
views_commands = AppGroup("views", help="Counted views of public pages.")
feedback_commands = AppGroup("feedback", help="Reviewers' comments on drafts.")
mail_commands = AppGroup("mail", help="Email on the queue.")
digest_commands = AppGroup("digest", help="The weekly digest.")
reminders_commands = AppGroup("reminders", help="Follow-up reminders by email.")


@click.command("seed-demo")
@with_appcontext
@click.option("--username", default="demo", show_default=True, help="Username of the demo maker.")
@click.option("--password", help="Password to log in with; a random one is made if omitted.")
@click.option("--reset", is_flag=True, help="Delete the demo maker first, then create it afresh.")
def seed_demo_command(username: str, password: str | None, reset: bool) -> None:
    """Create a demo maker with a realistic portfolio, dated relative to today."""
    username = accounts.normalise_username(username)
    password = password or secrets.token_urlsafe(12)
    # Everything is checked before anything is deleted.
    if not accounts.PASSWORD_MIN <= len(password) <= accounts.PASSWORD_MAX:
        raise click.BadParameter(
            f"use {accounts.PASSWORD_MIN} to {accounts.PASSWORD_MAX} characters",
            param_hint="--password",
        )
    existing = accounts.find_user_by_email(DEMO_EMAIL)
    holder = accounts.find_user_for_login(username)
    if holder is not None and holder != existing:
        raise click.ClickException(
            f"The username {username!r} belongs to another account; choose one with --username."
        )
    if existing is not None and not reset:
        raise click.ClickException(
            f"The demo maker {existing.username} ({DEMO_EMAIL}) already exists. Run "
            "`flask --app app seed-demo --reset` to delete it and create it again."
        )
    if existing is not None:
        accounts.delete_account(existing, media_storage())
        click.echo(f"Deleted the demo maker {existing.username} and everything in it.")
    seed_demo_portfolio(username, password, clock.today())
    click.echo(f"Created the demo maker. Log in as {username} with the password: {password}")


@click.command("import-backup")
@with_appcontext
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Username of the (empty) account.")
def import_backup_command(backup_file: Path, username: str) -> None:
    """Restore a backup (.zip or .json) into an empty account."""
    user = accounts.find_user_for_login(username)
    if user is None:
        raise click.ClickException(f"No user with the username {username!r}.")
    try:
        # On SQLite, take the write lock when writing begins, as a request would, so that
        # the restore waits its turn instead of failing beside a server that writes.
        with writing_transactions():
            summary = backup.restore_backup(
                user, backup_file.read_bytes(), media_storage(), media_limits()
            )
    except csv_import.BadImportFile as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {summary}.")


@media_commands.command("gc")
@click.option(
    "--min-age-minutes",
    default=60,
    show_default=True,
    help="Leave files written more recently: an upload may still be saving them.",
)
def collect_garbage_command(min_age_minutes: int) -> None:
    """Delete stored media files that no item refers to (left behind by a crash)."""
    deleted = media.collect_garbage(media_storage(), timedelta(minutes=min_age_minutes))
    click.echo(f"Deleted {len(deleted)} unreferenced file(s).")


@views_commands.command("flush")
def flush_views_command() -> None:
    """Write the views waiting in Redis to the database (with VIEW_FLUSH_SECONDS=0, from cron)."""
    click.echo(f"Wrote {analytics.flush_views()} views.")


@feedback_commands.command("send")
def send_feedback_command() -> None:
    """Email each maker their new comments in one message, at most hourly (run it from
    cron, e.g. every 10 minutes)."""
    sent = notifying.send_due_notices(clock.now())
    click.echo(f"Sent {sent} feedback emails.")


@mail_commands.command("failed")
@click.option("--retry", is_flag=True, help="Put them back on the queue, to be tried again.")
def failed_mail_command(retry: bool) -> None:
    """List the letters that failed every try (kept for 30 days), oldest first."""
    queues = current_app.extensions.get("rq")
    if queues is None:
        raise click.ClickException(
            "There is no mail queue without REDIS_URL: the web process sends each letter "
            "once, and logs a failure."
        )
    queue = queues.get_queue(mail.QUEUE)
    registry = queue.failed_job_registry
    jobs = [job for job in Job.fetch_many(registry.get_job_ids(), queue.connection) if job]
    for job in jobs:
        letter = job.args[0] if job.args else {}
        result = job.latest_result()
        error_lines = (result.exc_string or "").strip().splitlines() if result else []
        reason = error_lines[-1] if error_lines else "no error kept"
        failed_at = job.ended_at or job.enqueued_at
        when = f"{failed_at:%Y-%m-%d %H:%M} UTC" if failed_at else "?"
        click.echo(
            f"{job.id}  {when}  to {letter.get('to', '?')}: "
            f"{letter.get('subject', '?')!r}  ({reason})"
        )
        if retry:
            registry.requeue(job.id)
    done = "put back on the queue" if retry else "failed"
    click.echo(f"{len(jobs)} letter{'s' if len(jobs) != 1 else ''} {done}.")


@digest_commands.command("send")
def send_digests_command() -> None:
    """Send the digests due by now (run it from cron or a timer, e.g. every 15 minutes,
    on one server or many: a maker gets one a week)."""
    started = sending.send_due(clock.now())
    click.echo(f"Started {started} digest{'s' if started != 1 else ''}.")


@reminders_commands.command("send")
def send_reminders_command() -> None:
    """Send the follow-up reminders whose morning has come (run it from cron or a timer
    with the digest, e.g. every 15 minutes: a maker's day is looked at once)."""
    started = reminding.send_due(clock.now())
    click.echo(f"Looked at the follow-ups of {started} maker{'s' if started != 1 else ''}.")


def init_commands(app: Flask) -> None:
    for command in (seed_demo_command, import_backup_command, media_commands, views_commands,
                    feedback_commands, mail_commands, digest_commands,
                    reminders_commands):  # fmt: skip
        app.cli.add_command(command)
