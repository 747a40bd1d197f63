"""Main: the landing page, the dashboard and the error pages."""
