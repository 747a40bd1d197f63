from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.e2e.helpers import open_section


def test_log_a_product_with_metrics_and_skills_then_a_learning(page: Page, live_server, user):
    log_in(page, live_server, user.username)
    page.get_by_role("link", name="Log your first product").click()

    page.get_by_label("Title").fill("Standup Bot")
    page.get_by_label("Tagline").fill("Async stand-ups in Slack")
    page.get_by_label("Status").select_option("shipped")
    open_section(page, "Dates and links")
    page.get_by_label("Shipped on").fill("2026-03-01")
    page.get_by_label("Problem").fill("Stand-up calls across **time zones**.")

    first_metric = page.get_by_role("group", name="Metric 1")
    first_metric.get_by_label("Label").fill("teams using it")
    first_metric.get_by_label("Value").fill("140")
    page.get_by_role("button", name="Add another metric").click()
    second_metric = page.get_by_role("group", name="Metric 2")
    expect(second_metric.get_by_label("Label")).to_be_focused()
    second_metric.get_by_label("Label").fill("4-week retention")
    second_metric.get_by_label("Value").fill("38%")

    open_section(page, "PM skills it shows")
    page.get_by_label("Discovery & research").check()
    page.get_by_label("Data & analytics").check()
    page.get_by_role("button", name="Save product").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Standup Bot")
    expect(page.get_by_role("status")).to_contain_text("Saved")
    results = page.get_by_role("region", name="Results")
    expect(results).to_contain_text("140")
    expect(results).to_contain_text("38%")
    expect(page.get_by_role("list", name="PM skills")).to_contain_text("Data & analytics")
    expect(page.locator("strong", has_text="time zones")).to_be_visible()

    page.get_by_role("link", name="Add a learning").first.click()
    page.get_by_label("What did you learn?").fill("Local-time prompts doubled answers")
    page.get_by_label("Kind").select_option("experiment")
    page.get_by_label("The story").fill("Answers went from 35% to 71%.")
    page.get_by_label("UX & design").check()
    page.get_by_role("button", name="Save learning").click()

    build_log = page.get_by_role("region", name="Build log")
    expect(build_log).to_contain_text("Local-time prompts doubled answers")

    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("region", name="Latest products")).to_contain_text("Standup Bot")
    expect(page.get_by_role("region", name="Latest learnings")).to_contain_text(
        "Local-time prompts doubled answers"
    )
    stats = page.locator(".stats")
    expect(stats.locator(".stat", has_text="Shipped").locator("dd")).to_have_text("1")
    expect(
        page.get_by_role("img", name="Products shipped and learnings recorded per month")
    ).to_be_visible()

    navigation.get_by_role("link", name="Journal").click()
    expect(page.get_by_role("heading", name="Local-time prompts doubled answers")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Standup Bot")
