"""JSON read from an uploaded file (a JSON Resume, a backup, a CSV's metrics column), with
every string one that pages can show and databases can store.

JSON can spell, with escapes, what no UTF-8 text holds (a lone surrogate, "\\ud800")
and what no database stores in text (NUL, "\\u0000"). Each becomes U+FFFD, the
replacement character, as a browser shows a damaged character: the rest is kept.
"""

import json
import re
from typing import Any

UNSTORABLE = re.compile("[\ud800-\udfff\x00]")
# An escape that could spell one, in the raw text: strings are walked only then.
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def _storable(value: Any) -> Any:
    if isinstance(value, str):
        return UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    return value


def load_json(text: str) -> Any:
    """json.loads, with unstorable characters replaced; raises what json.loads raises
    (ValueError), and RecursionError for nesting past Python's limit."""
    document = json.loads(text)
    return _storable(document) if _UNSTORABLE_ESCAPE.search(text) else document
