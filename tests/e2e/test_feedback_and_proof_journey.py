"""A private draft gets a working PM's comments, and a result gets confirmed by someone
who saw it: the feedback and proof loops, each guest on a phone, without an account."""

from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect
from pypdf import PdfReader

from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.e2e.helpers import log_in
from tests.e2e.helpers import save_screenshot
from tests.factories import make_product

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
CONFIRMED_BY = "Confirmed by Eve Endorser, Engineering manager at Queue Co"


def test_a_draft_is_reviewed_and_a_result_confirmed(
    page: Page, browser: Browser, live_server, user, app, pdf_renderer
):
    with app.app_context():
        product_id = make_product(
            user.id, "Queue Buddy", slug="queue-buddy", visibility="private", status="shipped",
            problem="Lines at the clinic are long.", solution="A text when it is your turn.",
            role="Solo: discovery and build", metrics=[("weekly active users", "140")],
        )  # fmt: skip
    log_in(page, live_server, user.username)
    product_url = f"{live_server}/products/{product_id}"

    # The maker asks for feedback on the private draft.
    page.goto(product_url)
    page.get_by_role("link", name="Ask for feedback").click()
    expect(page.get_by_role("checkbox", name="Queue Buddy")).to_be_checked()
    page.get_by_label("A note for the reviewer").fill("Is the problem convincing?")
    page.get_by_role("button", name="Make the review link").click()
    review_url = page.get_by_label("Address to send").input_value()

    # A reviewer on a phone comments on two sections.
    reviewer = browser.new_context(**PHONE).new_page()
    reviewer.goto(review_url)
    expect(reviewer.get_by_text("Draft shared for feedback")).to_be_visible()
    expect(reviewer.get_by_text("Is the problem convincing?")).to_be_visible()
    save_screenshot(reviewer, "review-draft", 390)
    reviewer.get_by_role("link", name="Comment on “The problem”").click()
    reviewer.get_by_label("Your name").fill("Rae Reviewer")
    reviewer.get_by_label("Your email").fill("rae@example.com")
    reviewer.get_by_label("Your comment").fill("How do you know? Say who told you.")
    reviewer.get_by_role("button", name="Send the comment").click()
    expect(reviewer.get_by_role("heading", name="Thank you, Rae Reviewer")).to_be_visible()
    another = reviewer.locator(
        "section", has=reviewer.get_by_role("heading", name="Comment on another part")
    )
    expect(another.get_by_label("Your name")).to_have_value("Rae Reviewer")
    another.get_by_label("About").select_option(label="What was built")
    another.get_by_label("Your comment").fill("Show the text message itself.")
    another.get_by_role("button", name="Send the comment").click()
    expect(reviewer.get_by_text("Your comment on What was built")).to_be_visible()
    save_screenshot(reviewer, "review-comment-sent", 390)
    reviewer.context.close()

    # The maker sees both beside their sections, resolves one and replies to the other.
    page.goto(product_url)
    problem = page.locator("section", has=page.get_by_role("heading", name="The problem"))
    solution = page.locator("section", has=page.get_by_role("heading", name="What was built"))
    expect(problem.get_by_text("How do you know? Say who told you.")).to_be_visible()
    expect(solution.get_by_text("Show the text message itself.")).to_be_visible()
    problem.get_by_role("button", name="Resolve").click()
    problem = page.locator("section", has=page.get_by_role("heading", name="The problem"))
    expect(problem.get_by_role("button", name="Reopen")).to_be_visible()
    solution = page.locator("section", has=page.get_by_role("heading", name="What was built"))
    solution.get_by_text("Reply").first.click()
    solution.get_by_label("Your reply to Rae Reviewer").fill("Added a screenshot, thanks!")
    solution.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("Reply saved and sent to Rae Reviewer.")).to_be_visible()
    for width in (390, 1280):
        save_screenshot(page, "product-feedback", width)

    # The maker asks Eve to confirm the result, and copies the link for her.
    proof = page.locator("#proof")
    proof.get_by_label("What should they confirm?").select_option(
        label="Result: weekly active users: 140"
    )
    proof.get_by_label("Who?").fill("Eve Endorser")
    proof.get_by_role("button", name="Ask them").click()
    endorse_url = page.locator("#proof").get_by_label("Their link").input_value()

    endorser = browser.new_context(**PHONE).new_page()
    endorser.goto(endorse_url)
    expect(endorser.get_by_text("weekly active users: 140")).to_be_visible()
    expect(endorser.get_by_label("Your name")).to_have_value("Eve Endorser")
    endorser.get_by_label("How you know the work").fill("Engineering manager at Queue Co")
    endorser.get_by_label("A line about it").fill("I watched the numbers every week.")
    endorser.get_by_label("I saw this, and it is accurate").check()
    save_screenshot(endorser, "endorse", 390)
    endorser.get_by_role("button", name="Confirm").click()
    expect(endorser.get_by_role("heading", name="Thank you, Eve Endorser")).to_be_visible()
    endorser.context.close()

    # Approved, it shows on the public case study and in its PDF.
    page.goto(product_url)
    page.locator("#proof").get_by_role("button", name="Show to readers").click()
    with app.app_context():
        db.session.get(Product, product_id).visibility = "public"
        db.session.get(User, user.id).is_published = True
        db.session.commit()
    reader = browser.new_context(**PHONE).new_page()
    reader.goto(f"{live_server}/u/{user.username}/queue-buddy")
    expect(reader.get_by_text(CONFIRMED_BY)).to_be_visible()
    for private in ("How do you know?", "Rae Reviewer", "Added a screenshot"):
        expect(reader.get_by_text(private)).to_have_count(0)
    for width in (390, 1280):
        save_screenshot(reader, "case-study-confirmed", width)
    with reader.expect_download() as download_info:
        reader.get_by_role("link", name="Download PDF").click()
    text = " ".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert CONFIRMED_BY in " ".join(text.split())
    reader.context.close()
