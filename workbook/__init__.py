"""Shared plumbing of the Tornado workbook: the chapter manifest, the runner behind the make
targets, and helpers the chapter apps and tests import. Chapters never copy any of it."""
