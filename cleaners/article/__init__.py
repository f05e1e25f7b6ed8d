"""Stage 4, labelled blocks to an article: title, date, metadata, language; one assembler."""
