"""Every kind of page the app renders, reached once, for the HTML and accessibility checks."""

import json
from dataclasses import dataclass
from dataclasses import field
from datetime import time
from datetime import timedelta

from pm_portfolio import clock
from pm_portfolio.accounts import links as account_links
from pm_portfolio.core import analytics
from pm_portfolio.core import calendar
from pm_portfolio.core import endorsements
from pm_portfolio.core import reviews
from pm_portfolio.core import share_links
from pm_portfolio.core.applications import ContactData
from pm_portfolio.demo.seed import seed_demo_portfolio
from pm_portfolio.digests.tokens import unsubscribe_token
from pm_portfolio.exports.csv_import import save_draft
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import Learning
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision
from pm_portfolio.models import ReviewComment
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from tests.factories import PASSWORD
from tests.factories import make_application
from tests.factories import make_endorsement
from tests.factories import make_portfolio_link
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.factories import make_user

MAKER = "demo"
NEWCOMER = "newcomer"
# The right columns (as the README lists them), with a row the preview must reject.
PRODUCTS_HEADER = (
    "slug,title,tagline,target_users,status,role,started_on,shipped_on,url,source_url,"
    "visibility,featured,position,skills,metrics,problem,hypothesis,solution,tradeoffs,"
    "outcome,created_at,updated_at"
)
BAD_PRODUCT_CSV = f"{PRODUCTS_HEADER}\n" + ",".join(["x"] * 22) + "\n"
# A JSON Resume whose basics fill the newcomer's empty profile and whose projects pass.
RESUME = json.dumps({
    "basics": {"name": "Nia Newcomer", "label": "Aspiring PM"},
    "projects": [{"name": "Tool Library", "description": "Borrow a drill", "startDate": "2025"},
                 {"name": "Recipe Costs", "highlights": ["1,200 sign-ups"]}],
})  # fmt: skip


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    # Who looks at it: None for a visitor, else the username.
    who: str | None = None
    # Submitted as a form (with a CSRF token) to show its errors.
    form: dict = field(default_factory=dict)


def build_catalogue(app) -> list[Page]:
    """A published demo maker with everything, a newcomer with nothing, and their pages."""
    with app.app_context():
        maker_id = seed_demo_portfolio(MAKER, PASSWORD, clock.today())
        newcomer = make_user(email=f"{NEWCOMER}@example.com", username=NEWCOMER)
        # The demo's first public product (the same on every database): its case study
        # has every section the pages below comment on.
        product = db.session.scalars(
            db.select(Product)
            .where(Product.user_id == maker_id, Product.visibility == "public")
            .order_by(Product.id)
        ).first()
        learning_id = db.session.scalar(db.select(Learning.id).where(Learning.user_id == maker_id))
        shown = db.session.scalars(
            db.select(Product.id).where(
                Product.user_id == maker_id, Product.visibility.in_(["public", "unlisted"])
            )
        ).all()
        link_id = make_portfolio_link(maker_id, list(shown), name="Acme — Senior PM")
        link_token = db.session.get(ShareLink, link_id).token
        product_token = db.session.scalar(
            db.select(ShareLink.token).where(ShareLink.product_id.is_not(None))
        )
        draft_id = save_draft(maker_id, "products", "bad.csv", BAD_PRODUCT_CSV).id
        resume_draft_id = save_draft(newcomer.id, "resume", "resume.json", RESUME).id
        reset_token = account_links.reset_token(db.session.get(User, maker_id))
        product_id, slug = product.id, product.slug
        # Its build log is the maker's own: the coach offers to show it in one click.
        hidden_log_id = db.session.scalar(
            db.select(Product.id).where(
                Product.user_id == maker_id, Product.title == "Interview Notes"
            )
        )
        first_revision_id = db.session.scalar(
            db.select(ProductRevision.id)
            .where(ProductRevision.product_id == product_id)
            .order_by(ProductRevision.id)
        )
        picture_id = db.session.scalar(
            db.select(MediaItem.id).where(
                MediaItem.product_id == product_id, MediaItem.media_type == "image"
            )
        )
        application_id = make_application(
            maker_id,
            list(shown)[:2],
            company="Acme",
            role="Senior PM",
            posting_url="https://boards.greenhouse.io/acme/jobs/1",
            applied_on=clock.today() - timedelta(days=10),
            next_step="Call with Eve",
            next_step_on=clock.today() + timedelta(days=2),
            next_step_time=time(15, 30),
            private_notes="Salary band **unknown**.",
            note="Hi Acme team: the two closest to the role.",
            contacts=[ContactData("Eve Recruiter", "Recruiter", "eve@acme.example")],
        )
        make_application(maker_id, company="Quiet Co", role="APM", stage="saved")
        make_application(maker_id, company="Gone Co", role="PM", stage="rejected")
        sent = db.session.get(Application, application_id).share_link
        share_links.record_open(sent, clock.now(), shown[0], LinkOpenKind.PAGE)
        share_links.record_open(sent, clock.now(), None, LinkOpenKind.PDF)
        calendar.renew_feed(maker_id)
        review_pair = make_review_link(maker_id, [product_id, hidden_log_id], note="Be frank.")
        review_token = review_pair.token
        single_review_token = make_review_link(maker_id, [hidden_log_id]).token
        make_review_comment(review_pair, product_id, "problem", "Who said so? See https://example.com",
                            "Rae Reviewer", "rae@example.com")  # fmt: skip
        replied_id, _ = make_review_comment(
            review_pair, product_id, "whole", "Lead with the result."
        )
        reviews.reply(db.session.get(ReviewComment, replied_id), "Done, thanks!", clock.now())
        resolved_id, _ = make_review_comment(review_pair, product_id, "result:1", "Which week?")
        reviews.resolve(db.session.get(ReviewComment, resolved_id), clock.now())
        _comment_id, edit_token = make_review_comment(review_pair, hidden_log_id, "whole")
        # Proof: a request waiting, one confirmed and shown, one declined, one changed.
        awaiting_token = make_endorsement(product_id, "result:1", email="eve@queue.example").token
        confirmed_token = make_endorsement(product_id, "result:1", confirmed=True,
                                           approved=True).token  # fmt: skip
        declined = make_endorsement(product_id, "result:1", name="Dee")
        endorsements.decline(declined, clock.now())
        digest_token = unsubscribe_token(maker_id)
    with app.app_context():
        # Readers from a few sites, so "Who is looking" lists them and the share link
        # says when it was opened.
        for source in ("linkedin.com", "linkedin.com", "direct", "internal"):
            analytics.count_profile_view(maker_id, clock.today(), source)
        analytics.count_share_link_view(maker_id, link_id, clock.today(), "mail.google.com")
        analytics.flush_views()

    pages = [
        Page("landing", "/"),
        Page("login", "/login"),
        Page("login-errors", "/login", form={"login": "", "password": ""}),
        Page("register", "/register"),
        Page("register-errors", "/register", form={"email": "nope", "username": "a"}),
        Page("not-found", "/no-such-page"),
        Page("method-not-allowed", "/logout"),
        Page("public-profile", f"/u/{MAKER}"),
        Page("case-study", f"/u/{MAKER}/{slug}"),
        Page("share-portfolio", f"/s/{link_token}"),
        Page("share-case-study", f"/s/{link_token}/{slug}"),
        Page("share-product", f"/s/{product_token}"),
        Page("contact", f"/u/{MAKER}/contact"),
        Page("share-contact", f"/s/{link_token}/contact"),
        Page("dashboard", "/dashboard", MAKER),
        Page("products", "/products", MAKER),
        Page("product", f"/products/{product_id}", MAKER),
        Page("product-hidden-build-log", f"/products/{hidden_log_id}", MAKER),
        Page("product-new", "/products/new", MAKER),
        Page("product-errors", "/products/new", MAKER, {"title": "", "status": "shipped"}),
        Page("product-edit", f"/products/{product_id}/edit", MAKER),
        Page("product-delete", f"/products/{product_id}/delete", MAKER),
        Page("product-media", f"/products/{product_id}/media", MAKER),
        Page("product-history", f"/products/{product_id}/revisions", MAKER),
        Page("product-revision", f"/products/{product_id}/revisions/{first_revision_id}", MAKER),
        Page("media-edit", f"/media/{picture_id}/edit", MAKER),
        Page("media-edit-errors", f"/media/{picture_id}/edit", MAKER, {"alt_text": ""}),
        Page("journal", "/learnings", MAKER),
        Page("learning-new", "/learnings/new", MAKER),
        Page("learning-errors", "/learnings/new", MAKER, {"title": "", "learned_on": "x"}),
        Page("learning-for-product", f"/products/{product_id}/learnings/new", MAKER),
        Page("learning-edit", f"/learnings/{learning_id}/edit", MAKER),
        Page("learning-delete", f"/learnings/{learning_id}/delete", MAKER),
        Page("share-links", "/share-links", MAKER),
        Page("share-link-new", "/share-links/new", MAKER),
        Page("share-link-errors", "/share-links/new", MAKER, {"name": ""}),
        Page("share-link-edit", f"/share-links/{link_id}/edit", MAKER),
        Page("share-link-revoke", f"/share-links/{link_id}/revoke", MAKER),
        Page("applications", "/applications", MAKER),
        Page("applications-table", "/applications?view=table&sort=company", MAKER),
        Page("applications-closed", "/applications?show=closed", MAKER),
        Page("application", f"/applications/{application_id}", MAKER),
        Page("application-new", "/applications/new", MAKER),
        Page(
            "application-errors",
            "/applications/new",
            MAKER,
            {"company": "", "next_step_time": "25:00", "contacts-0-email": "x"},
        ),
        Page("application-edit", f"/applications/{application_id}/edit", MAKER),
        Page("application-delete", f"/applications/{application_id}/delete", MAKER),
        Page("applications-empty", "/applications", NEWCOMER),
        Page("settings-calendar", "/settings/calendar", MAKER),
        Page("settings-calendar-off", "/settings/calendar", NEWCOMER),
        Page("settings-emails", "/settings/emails", MAKER),
        Page("unsubscribe", f"/unsubscribe/{digest_token}"),
        Page("settings-profile", "/settings", MAKER),
        Page("settings-errors", "/settings", MAKER, {"website_url": "javascript:x"}),
        Page("settings-publish-live", "/settings/publish", MAKER),
        Page("settings-publish", "/settings/publish", NEWCOMER),
        Page("settings-password", "/settings/password", MAKER),
        Page("settings-sessions", "/settings/sessions", MAKER),
        Page("settings-data", "/settings/data", MAKER),
        Page("import-preview", f"/settings/data/imports/{draft_id}", MAKER),
        Page("settings-account", "/settings/account", MAKER),
        Page("settings-account-unconfirmed", "/settings/account", NEWCOMER),
        Page("resume-import-preview", f"/settings/data/imports/{resume_draft_id}", NEWCOMER),
        Page("change-email", "/settings/email", MAKER),
        Page("change-email-errors", "/settings/email", MAKER, {"new_email": "nope"}),
        Page("forgot-password", "/password/forgot"),
        Page("forgot-password-errors", "/password/forgot", form={"email": ""}),
        Page("reset-password", f"/password/reset/{reset_token}"),
        Page("link-expired", "/email/confirm/not-a-real-token"),
        Page(
            "register-taken-email",
            "/register",
            form={
                "email": f"{NEWCOMER}@example.com",
                "username": "new-one",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        ),
        Page("dashboard-empty", "/dashboard", NEWCOMER),
        Page("products-empty", "/products", NEWCOMER),
        Page("journal-empty", "/learnings", NEWCOMER),
        Page("share-links-empty", "/share-links", NEWCOMER),
        Page("feedback", "/feedback", MAKER),
        Page("feedback-resolved", "/feedback?show=resolved", MAKER),
        Page("feedback-empty", "/feedback", NEWCOMER),
        Page("review-link-new", f"/feedback/links/new?product={product_id}", MAKER),
        Page("review-link-errors", "/feedback/links/new", MAKER, {"days": "0"}),
        Page("review-drafts", f"/r/{review_token}"),
        Page("review-draft", f"/r/{review_token}/{slug}"),
        Page("review-single-draft", f"/r/{single_review_token}"),
        Page("review-comment", f"/r/{review_token}/comment/{slug}?section=problem"),
        Page(
            "review-comment-errors",
            f"/r/{review_token}/comment/{slug}",
            form={"name": "", "email": "x", "section": "whole", "comment": ""},
        ),
        Page("review-own-comment", f"/r/{review_token}/comments/{edit_token}"),
        Page("endorse", f"/e/{awaiting_token}"),
        Page("endorse-errors", f"/e/{awaiting_token}", form={"name": "", "relationship": ""}),
        Page("endorse-confirmed", f"/e/{confirmed_token}"),
    ]
    return pages
