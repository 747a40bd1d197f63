"""Media: a product's pictures, PDF artifacts and embeds, and serving their files."""
