"""Chapter 05 · cookie, 加密cookie, 签名Cookie的本质, JavaScript操作Cookie: Cookies and signed cookies."""
