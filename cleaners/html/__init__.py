"""Stage 2 for HTML pages: one parse, markup metadata, DOM blocks with the markup's evidence."""
