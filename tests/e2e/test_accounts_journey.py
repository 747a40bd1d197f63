from playwright.sync_api import Page
from playwright.sync_api import expect

PASSWORD = "a long enough passphrase"


def test_register_log_out_log_in_and_see_the_dashboard(page: Page, live_server):
    page.goto(live_server)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Make products.")

    page.get_by_role("link", name="Start your portfolio").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, grace")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("status")).to_have_text("You are logged out.")

    page.goto(f"{live_server}/dashboard")
    expect(page).to_have_url(f"{live_server}/login?next=%2Fdashboard")
    page.get_by_label("Email or username").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, grace")
    expect(page.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")


def test_a_wrong_password_is_explained_on_the_form(page: Page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email or username")).to_have_value(user.username)
