"""Chapter 02 · 模板引擎 Templates."""
