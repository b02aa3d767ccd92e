"""Chapter 04 · 静态文件 Static files and caching."""
