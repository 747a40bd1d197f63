"""Checks by tools the web trusts: axe-core on every page, Lighthouse on the main ones."""

import json
import os
import subprocess
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Page

from pm_portfolio import PROJECT_ROOT
from tests.clients import CSRF_INPUT
from tests.e2e.conftest import CHROMIUM_FLAGS
from tests.e2e.conftest import CHROMIUM_PATH
from tests.e2e.helpers import ARTIFACTS
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD
from tests.infrastructure import skip_or_fail
from tests.pages import MAKER
from tests.pages import build_catalogue

NODE_MODULES = PROJECT_ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Lighthouse's phone: its default 4x CPU slowdown takes a high-end desktop (a benchmark
# index of 1500 to 2000, its docs/throttling.md) to a mid-tier phone. A slower machine is
# slowed less, as that page advises, or pages are judged on a phone slower than that.
DEFAULT_CPU_SLOWDOWN = 4
HIGH_END_DESKTOP_INDEX = 1750


def require(tool) -> None:
    if not tool.exists():
        skip_or_fail(f"{tool.name} is not installed: run `npm install` (needs Node.js)")


def show_errors(page: Page, form: dict) -> None:
    """Fill a page's main form with `form` and send it, to check the page with its errors."""
    for name, value in form.items():
        field = page.locator(f'main [name="{name}"]')
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("main form").first.locator('button[type="submit"]').last.click()
    page.wait_for_load_state()


def axe_problems(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", AXE_RULES
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{[node['target'] for node in violation['nodes']][:3]}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.slow
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_page_passes_axe(browser, live_server, app, color_scheme):
    require(AXE)
    pages = build_catalogue(app)
    tabs: dict[str | None, Page] = {}
    problems = []
    for entry in pages:
        if entry.who not in tabs:
            # Injecting axe is an inline script, which the site's CSP rightly refuses.
            context = browser.new_context(color_scheme=color_scheme, bypass_csp=True)
            tabs[entry.who] = context.new_page()
            if entry.who:
                log_in(tabs[entry.who], live_server, entry.who)
        tab = tabs[entry.who]
        tab.goto(live_server + entry.path)
        if entry.form:
            show_errors(tab, entry.form)
        problems += [f"{entry.name}: {problem}" for problem in axe_problems(tab)]
    for tab in tabs.values():
        tab.context.close()

    assert problems == []


def session_cookie(live_server: str, username: str) -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    login_page = opener.open(f"{live_server}/login").read().decode()
    token = CSRF_INPUT.search(login_page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "login": username, "password": PASSWORD})
    opener.open(f"{live_server}/login", data=form.encode()).read()
    jar = next(h for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar.cookiejar)


def cpu_slowdown(report) -> float:
    """The CPU slowdown that makes this machine Lighthouse's phone, from the benchmark
    index in one of its reports."""
    index = json.loads(report.read_text())["environment"]["benchmarkIndex"]
    slowdown = DEFAULT_CPU_SLOWDOWN * index / HIGH_END_DESKTOP_INDEX
    return round(min(max(slowdown, 1.0), DEFAULT_CPU_SLOWDOWN), 1)


def lighthouse(
    url: str,
    output,
    headers: dict[str, str] | None = None,
    mobile: bool = False,
    slowdown: float = DEFAULT_CPU_SLOWDOWN,
) -> dict[str, int]:
    # Lighthouse's own default is a mid-range phone on a slow 4G network.
    form_factor = (
        [f"--throttling.cpuSlowdownMultiplier={slowdown}"] if mobile else ["--preset=desktop"]
    )
    command = [
        str(LIGHTHOUSE), url, *form_factor, "--output=json", f"--output-path={output}",
        "--quiet", f"--chrome-flags=--headless=new {' '.join(CHROMIUM_FLAGS)}",
    ]  # fmt: skip
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    subprocess.run(  # noqa: S603 - Lighthouse with our own arguments
        command,
        env={**os.environ, "CHROME_PATH": str(CHROMIUM_PATH)},
        check=True,
        capture_output=True,
        timeout=180,
    )
    report = json.loads(output.read_text())
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


@pytest.mark.slow
def test_lighthouse_scores(live_server, app, browser):
    require(LIGHTHOUSE)
    pages = {page.name: page.path for page in build_catalogue(app)}
    ARTIFACTS.mkdir(exist_ok=True)
    cookie = session_cookie(live_server, MAKER)
    profile = lighthouse(f"{live_server}/u/{MAKER}", ARTIFACTS / "lighthouse-profile.json")
    slowdown = cpu_slowdown(ARTIFACTS / "lighthouse-profile.json")
    scores = {
        "public profile": profile,
        # The demo's case study opens with its cover, then screenshots and a PDF.
        "case study with pictures": lighthouse(
            f"{live_server}/u/{MAKER}/standup-bot", ARTIFACTS / "lighthouse-case-study.json"
        ),
        "public profile, mobile": lighthouse(
            f"{live_server}/u/{MAKER}",
            ARTIFACTS / "lighthouse-profile-mobile.json",
            mobile=True,
            slowdown=slowdown,
        ),
        "case study with pictures, mobile": lighthouse(
            f"{live_server}/u/{MAKER}/standup-bot",
            ARTIFACTS / "lighthouse-case-study-mobile.json",
            mobile=True,
            slowdown=slowdown,
        ),
        "dashboard": lighthouse(
            f"{live_server}/dashboard", ARTIFACTS / "lighthouse-dashboard.json", {"Cookie": cookie}
        ),
        "product form": lighthouse(
            f"{live_server}/products/new",
            ARTIFACTS / "lighthouse-product-form.json",
            {"Cookie": cookie},
        ),
        "settings": lighthouse(
            f"{live_server}/settings", ARTIFACTS / "lighthouse-settings.json", {"Cookie": cookie}
        ),
        "applications board": lighthouse(
            f"{live_server}/applications",
            ARTIFACTS / "lighthouse-applications.json",
            {"Cookie": cookie},
        ),
        "applications board, mobile": lighthouse(
            f"{live_server}/applications",
            ARTIFACTS / "lighthouse-applications-mobile.json",
            {"Cookie": cookie},
            mobile=True,
            slowdown=slowdown,
        ),
        "application": lighthouse(
            f"{live_server}{pages['application']}",
            ARTIFACTS / "lighthouse-application.json",
            {"Cookie": cookie},
        ),
        "review draft, mobile": lighthouse(
            f"{live_server}{pages['review-draft']}",
            ARTIFACTS / "lighthouse-review-mobile.json",
            mobile=True,
            slowdown=slowdown,
        ),
        "comment form, mobile": lighthouse(
            f"{live_server}{pages['review-comment']}",
            ARTIFACTS / "lighthouse-review-comment-mobile.json",
            mobile=True,
            slowdown=slowdown,
        ),
        "endorsement, mobile": lighthouse(
            f"{live_server}{pages['endorse']}",
            ARTIFACTS / "lighthouse-endorse-mobile.json",
            mobile=True,
            slowdown=slowdown,
        ),
        "feedback": lighthouse(
            f"{live_server}/feedback", ARTIFACTS / "lighthouse-feedback.json", {"Cookie": cookie}
        ),
    }
    summary = "\n".join(
        f"{page}: " + ", ".join(f"{name} {score}" for name, score in result.items())
        for page, result in scores.items()
    )
    summary += f"\n(phones: CPU slowed {slowdown}x on this machine)"
    print(f"\nLighthouse (desktop unless marked mobile)\n{summary}")
    (ARTIFACTS / "lighthouse.txt").write_text(summary + "\n")

    for page, result in scores.items():
        assert result["accessibility"] == 100, (page, result)
        assert result["best-practices"] >= 95, (page, result)
        assert result["performance"] >= 95, (page, result)
    for page in ("public profile", "case study with pictures"):
        assert scores[page]["seo"] >= 95, scores
        assert scores[f"{page}, mobile"]["seo"] >= 95, scores
