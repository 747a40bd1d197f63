"""The parts of an address a view reads: a row id and a page of a list, each a 404 when it
cannot be one."""

from flask import abort
from flask import request
from werkzeug.routing import IntegerConverter

# Far beyond any list a maker has, and far inside what an SQL OFFSET can hold.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id, from 1 to the largest a database column holds.

    A larger number cannot name a row; it is a 404 here rather than an overflow
    in the database driver.
    """

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**63 - 1)


def page_number() -> int:
    """The `?page=` of a list: 1 when absent; anything that is not a page number is a 404."""
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        abort(404)
    return int(page)
