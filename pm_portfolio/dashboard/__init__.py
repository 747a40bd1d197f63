"""Dashboard: a maker's progress at a glance."""
