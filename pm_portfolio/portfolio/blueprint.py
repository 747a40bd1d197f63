"""The portfolio blueprint, which pages.py, downloads.py, previews.py and crawlers.py
add their routes to."""

from flask import Blueprint

bp = Blueprint("portfolio", __name__)
