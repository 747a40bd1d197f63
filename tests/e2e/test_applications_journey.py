"""A maker applies with two case studies, the employer reads them on a phone, and the
maker sees what was read, follows up, moves the card and takes the next step into a
calendar."""

from datetime import timedelta

from icalendar import Calendar
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect
from pypdf import PdfReader

from pm_portfolio import clock
from pm_portfolio.core.dates import date_label
from tests.e2e.helpers import log_in
from tests.e2e.helpers import save_screenshot
from tests.factories import make_application
from tests.factories import make_product

# Headless Chromium names itself in its User-Agent and is rightly not counted as a reader.
PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/130.0 Mobile Safari/537.36"
GMAIL = "https://mail.google.com/mail/u/0/"
NOTE = "Hi Acme team: these two are closest to the APM role."


def test_an_application_from_posting_to_follow_up(
    page: Page, browser: Browser, live_server, user, app, pdf_renderer
):
    today = clock.today()
    with app.app_context():
        make_product(user.id, "Standup Bot", slug="standup-bot", visibility="public",
                     status="shipped", shipped_on=today - timedelta(days=90),
                     problem="Stand-up calls across time zones.")  # fmt: skip
        make_product(user.id, "Queue Buddy", slug="queue-buddy", visibility="unlisted",
                     problem="Queues at the town hall.")  # fmt: skip
        make_product(user.id, "Secret Diary", slug="diary", visibility="private")
        # Other cards, so the board has more than one column filled.
        make_application(user.id, company="Globex", role="Product Analyst", stage="saved")
        make_application(user.id, company="Initech", role="APM", stage="screening",
                         applied_on=today - timedelta(days=3))  # fmt: skip
    log_in(page, live_server, user.username)

    page.get_by_role("navigation", name="Main").first.get_by_role(
        "link", name="Applications"
    ).click()
    page.get_by_role("link", name="Add an application").click()
    page.get_by_label("Company").fill("Acme")
    page.get_by_label("Role", exact=True).fill("Associate Product Manager")
    page.get_by_label("Job posting").fill("https://boards.greenhouse.io/acme/jobs/4012345")
    expect(page.locator("#posting-source")).to_have_text("Site: Greenhouse")
    page.get_by_label("Stage").select_option("applied")
    page.get_by_label("Applied on").fill((today - timedelta(days=10)).isoformat())
    page.locator("#next_step").fill("Call with Eve")
    page.get_by_label("Next step on").fill((today + timedelta(days=3)).isoformat())
    page.get_by_label("At", exact=True).fill("14:30")
    expect(page.get_by_role("checkbox", name="Secret Diary")).to_have_count(0)
    page.get_by_role("checkbox", name="Queue Buddy").check()
    page.get_by_role("checkbox", name="Standup Bot").check()
    page.get_by_label("A note for them").fill(NOTE)
    page.locator("#contacts-0-name").fill("Eve Recruiter")
    page.locator("#contacts-0-email").fill("eve@acme.example")
    page.get_by_role("button", name="Save application").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Associate Product Manager")
    expect(page.get_by_text("The posting on Greenhouse")).to_be_visible()
    address = page.get_by_label("Address").input_value()
    application_url = page.url
    expect(page.get_by_text("Not opened yet.")).to_be_visible()

    employer = browser.new_context(
        user_agent=PHONE_BROWSER, viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    employer.goto(address, referer=GMAIL)
    expect(employer.get_by_text(NOTE)).to_be_visible()
    for private in ("Associate Product Manager", "Eve Recruiter", "Call with Eve", "Applied"):
        expect(employer.get_by_text(private)).to_have_count(0)
    employer.get_by_role("link", name="Queue Buddy").first.click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("Queue Buddy")
    with employer.expect_download() as download_info:
        employer.get_by_role("link", name="Download PDF").click()
    text = "\n".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert "Queue Buddy" in text
    assert "Associate Product Manager" not in text
    employer.context.close()

    page.goto(application_url)
    activity = page.locator("section", has=page.get_by_role("heading", name="What Acme did"))
    expect(activity.get_by_text("First opened")).to_be_visible()
    expect(activity.get_by_role("listitem")).to_have_text(["Queue Buddy"])
    expect(activity.get_by_text("Downloaded", exact=True)).to_be_visible()
    expect(activity.locator("dd").nth(2)).to_have_text("1")
    for width in (390, 1280):
        save_screenshot(page, "application-page", width)

    page.get_by_role("navigation", name="Main").first.get_by_role("link", name="Dashboard").click()
    follow_ups = page.locator("#follow-ups")
    expect(follow_ups).to_contain_text(
        f"Acme opened it on {date_label(today)}: a good moment to follow up."
    )
    follow_ups.get_by_text("A message to send").first.click()
    mailto = follow_ups.get_by_role("link", name="Write it in your email app").first
    assert mailto.get_attribute("href").startswith(
        "mailto:eve%40acme.example?subject=Associate%20Product%20Manager%20application"
    )
    expect(follow_ups).to_contain_text("Acme: “Call with Eve” is due on")
    save_screenshot(page, "dashboard-follow-ups", 1280)

    page.get_by_role("navigation", name="Main").first.get_by_role(
        "link", name="Applications"
    ).click()
    card = page.locator("#application-" + application_url.rsplit("/", 1)[1])
    card.get_by_label("Stage").select_option("interview")
    card.get_by_role("button", name="Move").click()
    interview = page.locator("section", has=page.get_by_role("heading", name="Interview"))
    expect(interview.get_by_role("link", name="Acme")).to_be_visible()
    for width in (390, 1280):
        for scheme in ("light", "dark"):
            save_screenshot(page, "applications-board", width, scheme)

    page.goto(application_url)
    history = page.get_by_role("list", name="Stage history").get_by_role("listitem")
    expect(history).to_have_text(
        [f"{date_label(today)}: Interview", f"{date_label(today - timedelta(days=10))}: Applied"]
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add it to your calendar").click()
    calendar = Calendar.from_ical(download_info.value.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Call with Eve — Acme"
    assert event.decoded("dtstart").date() == today + timedelta(days=3)
    assert event.decoded("dtstart").strftime("%H:%M") == "14:30"
