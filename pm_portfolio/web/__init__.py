"""What every blueprint shares about HTTP: view helpers, headers, rate limits, templates."""
