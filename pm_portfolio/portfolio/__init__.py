"""Portfolio: the pages employers read — published profiles, case studies and share links."""
