"""Portfolio: the pages employers read — published profiles, case studies and share
links — with their PDFs, preview cards, and what search engines read."""

from pm_portfolio.portfolio import crawlers  # noqa: F401 - adds its routes to bp
from pm_portfolio.portfolio import downloads  # noqa: F401 - adds its routes to bp
from pm_portfolio.portfolio import pages  # noqa: F401 - adds its routes to bp
from pm_portfolio.portfolio import previews  # noqa: F401 - adds its routes to bp
from pm_portfolio.portfolio.blueprint import bp

__all__ = ["bp"]
