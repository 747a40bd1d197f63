"""Accounts: registration, log-in and log-out, signed-in sessions, settings, publishing."""

from pm_portfolio.accounts import publishing  # noqa: F401 - adds its pages to bp
from pm_portfolio.accounts import recovery  # noqa: F401 - adds its pages to bp
from pm_portfolio.accounts import settings  # noqa: F401 - adds its pages to bp
from pm_portfolio.accounts import sign_in  # noqa: F401 - adds its pages to bp
from pm_portfolio.accounts.blueprint import bp

__all__ = ["bp"]
