"""Chapter 06 · 实例1 · 实例2 · CSRF · 表单验证: login, CSRF and form validation."""
