"""The cookies /attributes sets: one per set_cookie attribute, with what the browser does with it.

Section 2 of the lesson has the same table, with the test of each row.
"""
from __future__ import annotations

import re

ATTRIBUTE_DEMOS = [  # (name, set_cookie keyword arguments, meaning)
    ("session_only", {},
     "No Expires, no Max-Age: a session cookie, dropped when the browser quits."),
    ("expires_demo", {"expires_days": 7},
     "Expires=<a date 7 days ahead>: kept until that date (expires= takes a timestamp or a "
     "datetime; expires_days= counts from now)."),
    ("max_age_demo", {"max_age": 3600},
     "Max-Age=3600: kept for an hour, counted by the browser's own clock."),
    ("path_demo", {"path": "/echo/scoped"},
     "Path=/echo/scoped: sent back to /echo/scoped and below only; not to /echo."),
    ("httponly_demo", {"httponly": True},
     "HttpOnly: sent to the server as usual, invisible to the page's JavaScript."),
    ("secure_demo", {"secure": True},
     "Secure: sent over HTTPS only (browsers make an exception for localhost and 127.0.0.1)."),
    ("strict_demo", {"samesite": "Strict"},
     "SameSite=Strict: not sent when another site starts the request, not even a link."),
    ("lax_demo", {"samesite": "Lax"},
     "SameSite=Lax: sent when the user follows a link from another site; not with other sites' "
     "forms, images or scripts."),
]
# Domain= is only meaningful for a DNS name: on http://shop.localhost:8805/attributes the cookie
# also goes to api.shop.localhost; without Domain (every other cookie here) it is host-only.
DNS_NAME = re.compile(r"(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+")




def demos(host: str) -> list[tuple[str, dict, str]]:
    """Every demo cookie; a Domain= one too when host is a DNS name. host comes from the Host
    header, which the client writes: a ";" in it would make set_cookie raise (a 500)."""
    found = list(ATTRIBUTE_DEMOS)
    if DNS_NAME.fullmatch(host):
        found.append(("domain_demo", {"domain": host},
                      f"Domain={host}: sent to {host} and to every name under it."))
    return found
