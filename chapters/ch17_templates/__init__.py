"""Chapter 17 · 模板引擎 · FlashMessageMixIn Template engines and flash messages."""
