"""Stage 2 for pages saved as text: lines joined back into blocks, columns taken apart."""

from cleaners.native import extend_path

extend_path(__path__, "text")  # the compiled modules, if fresh (cleaners/native.py)
