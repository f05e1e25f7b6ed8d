"""Stage 1, bytes to text: gzip, binary sniffing, charset, mojibake, HTML or text dump."""

from cleaners.native import extend_path

extend_path(__path__, "decode")  # the compiled modules, if fresh (cleaners/native.py)

from cleaners.decode.decoder import (  # noqa: E402
    Decoded,
    decode_page,
    looks_like_text,
    mojibake_kind,
)

__all__ = ["Decoded", "decode_page", "looks_like_text", "mojibake_kind"]
