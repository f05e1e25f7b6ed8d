"""Stage 2 for HTML pages: one parse, markup metadata, DOM blocks with the markup's evidence."""

from cleaners.native import extend_path

extend_path(__path__, "html")  # the compiled DOM walk (html.tree), if fresh (cleaners/native.py)
