"""Main: the landing page and the error pages."""
