"""How often people may try the actions attackers like to repeat.

Every limit is listed here, by endpoint, and applied when the app is built.
Each app gets its own Limiter: the extension keeps per-app state (its storage,
whether that storage is down), so one module-level instance would mix apps.
"""

from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from pm_portfolio.core.accounts import EMAIL_MAX
from pm_portfolio.core.accounts import find_user_for_login
from pm_portfolio.core.accounts import normalise_email

# Per client address: enough for a person, too few for a password-guessing script.
SIGN_IN_PER_ADDRESS = "10 per minute"
# Failed log-ins are counted per account *and address*, so guessing one account's password
# from one address stops, while its owner, whose address has no failures, still gets in:
# a stranger who knows the (public) username cannot lock the owner out. Failures per
# address, whatever the account, bound one address guessing across many accounts.
FAILED_LOGINS_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
FAILED_LOGINS_PER_ADDRESS = "30 per hour"
CREDENTIAL_CHANGES_PER_USER = "10 per hour"
IMPORTS_PER_USER = "30 per hour"
IMPORT_PREVIEWS_PER_USER = "60 per hour"
# Each upload decodes and re-encodes a picture: plenty for a maker, a bound on the CPU.
UPLOADS_PER_USER = "60 per hour"
# Each PDF or preview card not made yet is drawn on the server; ones already made are free.
DOCUMENTS_PER_ADDRESS = "10 per minute"
PREVIEW_CARDS_PER_ADDRESS = "60 per minute"
# Sign-up and password-reset emails, counted together: a few per client address, fewer
# per mailbox, so nobody is spammed, and MAIL_SIGNUPS_PER_HOUR for the whole site, so
# that a botnet cannot spend the site's sending reputation.
ACCOUNT_EMAILS_PER_ADDRESS = "10 per hour"
ACCOUNT_EMAILS_PER_MAILBOX = "3 per hour"
# Confirmation and address-change emails a signed-in maker asks for.
EMAILS_PER_USER = "5 per hour"
# Guests (reviewers, endorsers) post a few comments and answers; a script posting
# through one address, or to one link from many, stops soon.
GUEST_POSTS_PER_ADDRESS = "20 per hour"
GUEST_POSTS_PER_LINK = "60 per hour"
# Replies to reviewers and requests to endorsers are emails a maker sends to others.
EMAILS_TO_GUESTS_PER_USER = "30 per hour"


def account_and_address() -> str:
    """One key per account, named by username or email, and client address."""
    login = normalise_email(request.form.get("login", ""))[:EMAIL_MAX]
    user = find_user_for_login(login) if login else None
    account = f"account:{user.id}" if user else f"login:{login}"
    return f"{account}:{get_remote_address()}"


def login_failed(response: Response) -> bool:
    # A failed log-in shows the form again; a successful one redirects.
    return response.status_code == 200


def drew_a_new_document(response: Response) -> bool:
    """A PDF or a preview card was drawn for this request, not served from a kept copy."""
    return g.get("drew_a_new_document", False)


def sent_a_photo(response: Response) -> bool:
    """A profile save that came with a photo."""
    return g.get("sent_a_photo", False)


def mailbox_asked_for() -> str:
    """The email a sign-up or "forgot password" form names, however it is written."""
    return "mailbox:" + normalise_email(request.form.get("email", ""))[:EMAIL_MAX]


def asked_for_an_account_email(response: Response) -> bool:
    """The form was accepted, so an email goes out (or, for an unknown address's reset,
    would have: counted alike, so the limits do not tell who has an account)."""
    return g.get("asked_for_account_email", False)


def site_wide_account_emails() -> str:
    return f"{current_app.config['MAIL_SIGNUPS_PER_HOUR']} per hour"


ACCOUNT_EMAILS = [
    {
        "limit_value": ACCOUNT_EMAILS_PER_ADDRESS,
        "scope": "account-emails:address",
        "deduct_when": asked_for_an_account_email,
    },
    {
        "limit_value": ACCOUNT_EMAILS_PER_MAILBOX,
        "scope": "account-emails:mailbox",
        "deduct_when": asked_for_an_account_email,
        "key_func": mailbox_asked_for,
    },
    {
        "limit_value": site_wide_account_emails,
        "scope": "account-emails:site",
        "deduct_when": asked_for_an_account_email,
        "key_func": lambda: "site",
        "error_message": "sign-up and password emails the site sends in an hour",
    },
]


def guest_link_named() -> str:
    """One key per review or endorsement link, whoever posts to it."""
    return "link:" + (request.view_args or {}).get("token", "")[:64]


def posts_by_guests(kind: str) -> list[dict]:
    """The limits of one kind of guest's posts, counted across its endpoints."""
    return [
        {"limit_value": GUEST_POSTS_PER_ADDRESS, "scope": f"{kind}:address"},
        {
            "limit_value": GUEST_POSTS_PER_LINK,
            "scope": f"{kind}:link",
            "key_func": guest_link_named,
        },
    ]


def signed_in_user() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


PER_USER_POST = {"methods": ["POST"], "key_func": signed_in_user}
ROUTE_LIMITS = {
    "accounts.register": [
        {"limit_value": SIGN_IN_PER_ADDRESS, "methods": ["POST"]},
        *ACCOUNT_EMAILS,
    ],
    "accounts.forgot_password": ACCOUNT_EMAILS,
    "accounts.reset_password": [{"limit_value": SIGN_IN_PER_ADDRESS, "methods": ["POST"]}],
    "accounts.resend_confirmation": [{"limit_value": EMAILS_PER_USER, **PER_USER_POST}],
    "accounts.change_email": [{"limit_value": EMAILS_PER_USER, **PER_USER_POST}],
    "accounts.login": [
        {"limit_value": SIGN_IN_PER_ADDRESS, "methods": ["POST"]},
        {
            "limit_value": FAILED_LOGINS_PER_ACCOUNT_AND_ADDRESS,
            "methods": ["POST"],
            "key_func": account_and_address,
            "deduct_when": login_failed,
        },
        {
            "limit_value": FAILED_LOGINS_PER_ADDRESS,
            "methods": ["POST"],
            "deduct_when": login_failed,
        },
    ],
    "accounts.settings_password": [
        {
            "limit_value": CREDENTIAL_CHANGES_PER_USER,
            "methods": ["POST"],
            "key_func": signed_in_user,
        }
    ],
    # Deleting the account asks for the password: as guessable as a password change.
    "accounts.settings_account": [
        {
            "limit_value": CREDENTIAL_CHANGES_PER_USER,
            "methods": ["POST"],
            "key_func": signed_in_user,
        }
    ],
    **{
        endpoint: posts_by_guests("review")
        for endpoint in ("review.comment", "review.own_comment", "review.delete_own_comment")
    },
    **{
        endpoint: posts_by_guests("endorse")
        for endpoint in ("endorse.claim", "endorse.decline", "endorse.withdraw")
    },
    **{
        endpoint: [{"limit_value": EMAILS_TO_GUESTS_PER_USER, **PER_USER_POST}]
        for endpoint in ("feedback.reply", "proof.ask", "proof.ask_again", "proof.remind")
    },
    "exports.upload_import": [{"limit_value": IMPORTS_PER_USER, "key_func": signed_in_user}],
    "exports.restore": [{"limit_value": IMPORTS_PER_USER, "key_func": signed_in_user}],
    "media.upload": [{"limit_value": UPLOADS_PER_USER, "key_func": signed_in_user}],
    # The profile's photo comes with the profile: only saves that send one count.
    "accounts.settings_profile": [
        {**PER_USER_POST, "limit_value": UPLOADS_PER_USER, "deduct_when": sent_a_photo}
    ],
    **{
        endpoint: [{"limit_value": DOCUMENTS_PER_ADDRESS, "deduct_when": drew_a_new_document}]
        for endpoint in (
            "portfolio.profile_pdf",
            "portfolio.case_study_pdf",
            "portfolio.share_pdf",
            "portfolio.share_case_study_pdf",
        )
    },
    **{
        endpoint: [{"limit_value": PREVIEW_CARDS_PER_ADDRESS, "deduct_when": drew_a_new_document}]
        for endpoint in (
            "portfolio.profile_card",
            "portfolio.case_study_card",
            "portfolio.share_card",
        )
    },
    # Each preview checks the whole file again.
    "exports.preview_import": [
        {"limit_value": IMPORT_PREVIEWS_PER_USER, "key_func": signed_in_user}
    ],
}


def init_rate_limits(app: Flask) -> Limiter:
    """Build the app's limiter (storage from RATELIMIT_* settings) and apply ROUTE_LIMITS."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    # The wrapped views refer to their limiter weakly; the app keeps it alive.
    app.extensions["rate_limits"] = limiter
    if not limiter.enabled:
        return limiter
    if app.config["PRODUCTION"] and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        app.logger.warning(
            "Rate limits are kept in memory, per server process: with N processes an address "
            "gets N times each limit. Set REDIS_URL to share them."
        )
    for endpoint, limits in ROUTE_LIMITS.items():
        view = app.view_functions[endpoint]
        for options in limits:
            if "scope" in options:
                # One count shared by every endpoint that names the scope.
                options = {"methods": ["POST"], **options}
                view = limiter.shared_limit(**options)(view)
            else:
                view = limiter.limit(**options)(view)
        app.view_functions[endpoint] = view
    # Other endpoints have no limit: the limiter skips them at once, instead of resolving
    # an empty set of limits for every public page (a fifth of what a 304 cost).
    limited = frozenset(ROUTE_LIMITS)
    limiter.request_filter(lambda: request.endpoint not in limited)
    return limiter
