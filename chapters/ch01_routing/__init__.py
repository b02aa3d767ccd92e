"""Chapter 01 · 路由系统 Routing."""
