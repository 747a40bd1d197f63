"""The one way user-written Markdown becomes HTML: CommonMark, then sanitised."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "li",
        "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# Links written by guests (reviewers), not the maker: user-generated content.
GUEST_LINK_REL = "nofollow ugc noopener noreferrer"
# User text sits inside a page section; its "# Heading" must not compete with the page's own.
HEADING_OFFSET = 2

# Raw HTML is off, and images would pull third-party trackers into a reader's browser.
_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_parser.disable("image")
# Guests paste bare addresses; they become links too.
_guest_parser = (
    MarkdownIt("commonmark", {"html": False, "linkify": True})
    .enable(["strikethrough", "linkify"])
    .disable("image")
)


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(int(token.tag[1]) + HEADING_OFFSET, 6)
            token.tag = f"h{level}"


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to HTML that is safe to put in any page."""
    return _render(_parser, text, LINK_REL)


def render_guest_markdown(text: str | None) -> Markup:
    """A guest's text (a reviewer's comment): bare addresses become links, marked as
    user-generated so that search engines give them no weight."""
    return _render(_guest_parser, text, GUEST_LINK_REL)


def _render(parser: MarkdownIt, text: str | None, link_rel: str) -> Markup:
    if not text:
        return Markup("")
    tokens = parser.parse(text)
    _shift_headings(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    sanitised = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=link_rel,
    )
    # nh3 has kept only the tags and attributes above, so this HTML is safe to mark.
    return Markup(sanitised)  # noqa: S704 # nosec B704
