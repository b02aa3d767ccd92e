"""Chapter 08 · 验证码 Captcha."""
