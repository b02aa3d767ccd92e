"""Chapter 19 · session · token: Sessions and tokens, as middleware."""
