import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

PASSWORD = "a long enough passphrase"
NEW_PASSWORD = "another long passphrase"


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def emailed_link(smtp_server, address: str, live_server: str) -> str:
    return live_server + smtp_server.link_in(smtp_server.latest_to(address))


def test_sign_up_confirm_by_email_log_out_and_back_in(page: Page, live_server, smtp_server):
    page.goto(live_server)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Make products.")

    page.get_by_role("link", name="Start your portfolio").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, grace")
    expect(page.get_by_role("status").first).to_contain_text("Welcome, grace.")
    expect(page.get_by_text("Please confirm your email address")).to_be_visible()

    page.goto(emailed_link(smtp_server, "grace@example.com", live_server))
    page.get_by_role("button", name="Confirm grace@example.com").click()
    expect(page).to_have_url(f"{live_server}/dashboard")
    expect(page.get_by_role("status").first).to_contain_text("your email address is confirmed")
    expect(page.get_by_text("Please confirm your email address")).to_have_count(0)

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


def test_forgot_password_by_email_then_log_in(page: Page, live_server, user, smtp_server):
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account uses that address")

    page.goto(emailed_link(smtp_server, user.email, live_server))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    expect(page).to_have_url(f"{live_server}/login")

    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/dashboard")


def log_in(page: Page, live_server: str, username: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/dashboard")


def test_sign_out_everywhere_else_ends_the_other_browsers_session(browser, live_server, user):
    laptop = browser.new_context().new_page()
    phone = browser.new_context(user_agent="Mozilla/5.0 (iPhone) Mobile Safari").new_page()
    log_in(laptop, live_server, user.username, user.password)
    log_in(phone, live_server, user.username, user.password)

    laptop.goto(f"{live_server}/settings/sessions")
    expect(laptop.get_by_text("This browser")).to_have_count(1)
    laptop.get_by_role("button", name="Sign out everywhere else").click()
    expect(laptop.get_by_role("status")).to_contain_text("Signed out everywhere else")

    phone.goto(f"{live_server}/dashboard")
    expect(phone).to_have_url(f"{live_server}/login?next=%2Fdashboard")
    laptop.goto(f"{live_server}/dashboard")
    expect(laptop).to_have_url(f"{live_server}/dashboard")


def test_a_wrong_password_is_explained_on_the_form(page: Page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email or username")).to_have_value(user.username)


def test_the_browsers_time_zone_is_the_new_makers_and_settings_offer_it(browser, live_server):
    tokyo = browser.new_context(timezone_id="Asia/Tokyo")
    page = tokyo.new_page()
    page.goto(f"{live_server}/register")
    page.get_by_label("Email").fill("kenji@example.com")
    page.get_by_label("Username").fill("kenji")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{live_server}/dashboard")
    page.goto(f"{live_server}/settings")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    tokyo.close()

    lisbon = browser.new_context(timezone_id="Europe/Lisbon")
    page = lisbon.new_page()
    log_in(page, live_server, "kenji", PASSWORD)
    page.goto(f"{live_server}/settings")
    page.get_by_role("button", name="time zone: Europe/Lisbon").click()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    lisbon.close()
