"""What text is made of, for every stage: folded words, stoplists, phrase keys, dates."""

from cleaners.native import extend_path

extend_path(__path__, "words")  # the compiled modules, if fresh (cleaners/native.py)
