"""Steps and records shared by the browser tests."""

from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import expect

from pm_portfolio import PROJECT_ROOT
from tests.factories import PASSWORD

# Kept by CI: screenshots of the main pages at phone and desktop widths.
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def log_in(page: Page, live_server: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/dashboard")


def register(page: Page, live_server: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server}/register")
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()
    # Signed in at once: the address can be confirmed later.
    expect(page).to_have_url(f"{live_server}/dashboard")


def publish(page: Page) -> None:
    """Publish the portfolio from its own step in Settings."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Publish").click()
    page.get_by_role("button", name="Publish my portfolio").click()
    expect(page.get_by_role("status").first).to_contain_text("Your portfolio is live.")


def open_section(page: Page, title: str) -> None:
    """Unfold a folded part of a form, as a person clicks its heading."""
    section = page.locator("details", has=page.locator("summary", has_text=title))
    if section.get_attribute("open") is None:
        section.locator("summary").click()


def save_screenshot(page: Page, name: str, width: int, color_scheme: str = "light") -> Path:
    """A full-page screenshot at `width` pixels in the given colour scheme."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=color_scheme)
    path = ARTIFACTS / f"{name}-{width}-{color_scheme}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
