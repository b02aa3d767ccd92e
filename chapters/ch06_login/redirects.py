"""next: back where you were after logging in, never to another site (the lesson's section 5).

@authenticated sends a visitor to /login?next=/members, and the login page sends them back there.
Whatever is in the query string is the attacker's to write: /login?next=//evil.example would make
this site send its users, just logged in and trusting it, to a look-alike page (an open redirect).
"""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """target if it is a path on this site, else default.

    A local path starts with exactly one "/" and contains nothing a browser would turn into
    another host; the lesson's table shows where each refused shape leads in Chromium.
    """
    if not target or not target.startswith("/"):
        return default  # "", "evil.example", "https://evil.example", "javascript:...", "http:evil"
    if target.startswith("//"):
        return default  # protocol-relative: //evil.example is http(s)://evil.example
    if "\\" in target:
        return default  # browsers read \ as /: /\evil.example is //evil.example
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default  # browsers drop tabs and newlines: /\t/evil.example is //evil.example
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default  # belt and braces: whatever urllib sees as another host
    return target
