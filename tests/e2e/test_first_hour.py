"""A newcomer's first hour, as issues "First hour" tell it: sign up (signed in at once),
log a first product with the fewest fields (pressing Enter to save), publish from its own
step, and read it as a stranger; on a phone and a desktop, counting what it took."""

import json
import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.helpers import ARTIFACTS
from tests.e2e.helpers import save_screenshot

PASSWORD = "a long enough passphrase"


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def photograph(page: Page, name: str) -> None:
    for scheme in ("light", "dark"):
        for width in (390, 1280):
            save_screenshot(page, f"first-hour-{name}", width, scheme)
    page.emulate_media(color_scheme="light")


class Effort:
    """What the newcomer does, counted as a person would: the fields they fill or choose,
    the clicks (or Enter) they press, and the forms they send."""

    def __init__(self, page: Page):
        self.fields = 0
        self.clicks = 0
        self.forms: list[str] = []
        page.on("request", self._count_form)

    def _count_form(self, request) -> None:
        if request.method == "POST" and request.is_navigation_request():
            self.forms.append(request.url)

    def fill(self, locator, value: str) -> None:
        locator.fill(value)
        self.fields += 1

    def choose(self, locator) -> None:
        locator.check()
        self.fields += 1

    def select(self, locator, value: str) -> None:
        locator.select_option(value)
        self.fields += 1

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def press_enter(self, locator) -> None:
        locator.press("Enter")
        self.clicks += 1


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_from_sign_up_to_a_portfolio_a_stranger_can_read(page: Page, live_server, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    effort = Effort(page)
    take_pictures = width == 1280  # photograph() takes both widths itself

    page.goto(live_server)
    effort.click(page.get_by_role("link", name="Start your portfolio"))
    effort.fill(page.get_by_label("Email"), "lin@example.com")
    effort.fill(page.get_by_label("Username"), "Lin")
    effort.fill(page.get_by_label("Password", exact=True), PASSWORD)
    effort.fill(page.get_by_label("Confirm password"), PASSWORD)
    effort.click(page.get_by_role("button", name="Create account"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, lin")
    expect(page.get_by_role("status").first).to_contain_text("Welcome, lin.")
    expect(page.get_by_text("Welcome back")).to_have_count(0)
    expect(page.get_by_text("since you last shipped")).to_have_count(0)
    expect(page.locator(".chart__svg")).to_have_count(0)
    if take_pictures:
        photograph(page, "empty-dashboard")

    effort.click(page.get_by_role("link", name="Log your first product"))
    if take_pictures:
        photograph(page, "short-form")
    effort.select(page.get_by_label("Status"), "building")
    effort.choose(page.get_by_label("Public — on your published portfolio"))
    title = page.get_by_label("Title")
    effort.fill(title, "Lunch Roulette")
    effort.press_enter(title)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lunch Roulette")
    expect(page.get_by_role("status")).to_contain_text("Saved “Lunch Roulette”")

    effort.click(page.get_by_role("link", name="Publish your portfolio", exact=True))
    expect(page.get_by_text("Readers see 1 product: Lunch Roulette.")).to_be_visible()
    if take_pictures:
        photograph(page, "publish-step")
    effort.click(page.get_by_role("button", name="Publish my portfolio"))
    expect(page.get_by_role("status").first).to_contain_text("Your portfolio is live.")
    live = page.get_by_role("link", name=f"{live_server}/u/lin")
    expect(live).to_be_visible()
    expect(page.get_by_label("Send this address to employers")).to_have_value(
        f"{live_server}/u/lin"
    )
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    if take_pictures:
        photograph(page, "published")

    figures = {"forms": len(effort.forms), "fields": effort.fields, "clicks": effort.clicks}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"first-hour-effort-{width}.json").write_text(json.dumps(figures))
    print(f"first hour at {width} px: {figures}")
    assert effort.forms == [f"{live_server}/register", f"{live_server}/products/new",
                            f"{live_server}/settings/publish"]  # fmt: skip
    assert effort.fields <= 8

    page.goto(f"{live_server}/products")
    page.get_by_role("link", name="Lunch Roulette").click()
    page.get_by_role("link", name="Edit", exact=True).click()
    checklist = page.get_by_role("complementary", name="Is this case study ready?")
    form_box = page.locator("form.product-editor__form").bounding_box()
    if width == 1280:
        assert checklist.bounding_box()["x"] >= form_box["x"] + form_box["width"], "beside"
        page.mouse.wheel(0, form_box["height"] / 2)
        page.wait_for_timeout(100)
        assert 0 <= checklist.bounding_box()["y"] < 100, "it stays in view as the form scrolls"
    else:
        assert checklist.bounding_box()["y"] > form_box["y"] + form_box["height"], "after"
    page.mouse.wheel(0, -form_box["height"])
    if take_pictures:
        photograph(page, "edit-with-checklist")
    title = page.get_by_label("Title")
    title.fill("")
    title.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Title")).to_be_visible()
    summary.get_by_role("link", name="Title").click()
    expect(page).to_have_url(re.compile(r"#title$"))
    if take_pictures:
        photograph(page, "error-summary")

    stranger = page.context.browser.new_page()
    stranger.goto(f"{live_server}/u/lin")
    expect(stranger.get_by_role("heading", name="Lunch Roulette")).to_be_visible()
    stranger.close()


def test_enter_in_a_metric_field_saves_too(page: Page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}/products/new")
    page.get_by_label("Title").fill("Standup Bot")
    page.get_by_label("Status").select_option("idea")
    value = page.get_by_role("group", name="Metric 1").get_by_label("Value")
    value.fill("140")
    page.get_by_role("group", name="Metric 1").get_by_label("Label").fill("teams")
    value.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Standup Bot")
