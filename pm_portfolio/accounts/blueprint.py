"""The accounts blueprint, which sign_in.py, recovery.py and settings.py add their pages to."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
