"""The workbook's chapters, one package each, in the order of the notes (see chapters.toml)."""
