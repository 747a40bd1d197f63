import re
from html.parser import HTMLParser

import pytest

from pm_portfolio.core.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](https://evil.example/x.png"onerror="alert(1))',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "<<script>alert(1)//<</script>",
    "<img src=x onerror=alert(1)",
    '"><img src=x onerror=alert(1)>',
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "[x](https://ok.example 'title\" onmouseover=\"alert(1)')",
]

SAFE_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "rel", "start"}


class ElementCollector(HTMLParser):
    """What a browser would build from the HTML: every element and its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    collector = ElementCollector()
    collector.feed(html)
    collector.close()
    for tag, attributes in collector.elements:
        assert tag in SAFE_TAGS, f"<{tag}> survived in {html!r}"
        assert set(attributes) <= SAFE_ATTRIBUTES, f"{attributes} survived in {html!r}"
        href = (attributes.get("href") or "").strip().lower()
        assert not href or href.startswith(("https:", "http:", "mailto:")), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_xss_payload_survives(payload):
    assert_harmless(str(render_markdown(payload)))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_xss_payload_survives_inside_other_markdown(payload):
    assert_harmless(str(render_markdown(f"# Title\n\n- item {payload}\n\n> quote {payload}\n")))


def test_markdown_is_rendered():
    html = str(render_markdown("**bold** and *em*\n\n- one\n- two\n\n`code`"))
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<li>one</li>" in html
    assert "<code>code</code>" in html


def test_links_are_kept_with_rel_nofollow_noopener():
    html = str(render_markdown("[site](https://example.com/a?b=1)"))
    assert 'href="https://example.com/a?b=1"' in html
    rel = re.search(r'rel="([^"]+)"', html).group(1).split()
    assert {"nofollow", "noopener"} <= set(rel)


def test_headings_sit_below_the_page_headings():
    html = str(render_markdown("# Big\n\n## Smaller"))
    assert "<h3>Big</h3>" in html
    assert "<h4>Smaller</h4>" in html
    assert "<h1>" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_template_filter_uses_the_same_renderer(app):
    template = app.jinja_env.from_string("{{ text | markdown }}")
    assert template.render(text="<script>x</script> **b**") == str(
        render_markdown("<script>x</script> **b**")
    )
