"""The cookie secret of every chapter that signs something (chapter 05 teaches it).

    settings = {"data_dir": DATA_DIR, **overrides}
    settings.setdefault("cookie_secret", cookie_secret(settings["data_dir"]))

The secret is never in the source: it comes from $WORKBOOK_COOKIE_SECRET, or is generated once
into <data_dir>/cookie_secret (mode 0600; var/ is ignored by git). A published, short or
world-readable secret is refused with a SecretError whose message says how to fix it; a chapter's
main() turns that into "Refusing to start: ...".
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

SECRET_ENV = "WORKBOOK_COOKIE_SECRET"
SECRET_FILE = "cookie_secret"
MIN_SECRET_LENGTH = 32
# The two secrets printed in the notes (加密cookie; 实例1 and 实例2). Whoever has read them can
# sign any cookie for any app that uses them; the first is in many public repositories.
PUBLISHED_SECRETS = frozenset({
    "61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=",
    "t114uXSkw1SZ6xlWOCASQWYKkIuW7Wl2bTnbsLzsJyoOI7EqnnaT8HDzFNbB9Ryw",
})
MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class SecretError(RuntimeError):
    """A cookie secret the app refuses to run with; the message says how to fix it."""


def check_secret(secret: str | dict, origin: str = "cookie_secret") -> str | dict:
    """secret itself if it is fit to sign with; a {key_version: secret} dict is checked whole."""
    for value in secret.values() if isinstance(secret, dict) else [secret]:
        if value in PUBLISHED_SECRETS:
            raise SecretError(f"{origin}: this cookie secret is printed in the notes, so anyone "
                              f"can sign cookies with it. Make your own: {MAKE_ONE}")
        if len(value) < MIN_SECRET_LENGTH:
            raise SecretError(f"{origin}: a cookie secret needs {MIN_SECRET_LENGTH} characters "
                              f"or more, this one has {len(value)}. Make one: {MAKE_ONE}")
    return secret


def cookie_secret(data_dir: str | Path, environ=os.environ) -> str:
    """$WORKBOOK_COOKIE_SECRET if set; else data_dir/cookie_secret, created on first use."""
    if value := environ.get(SECRET_ENV):
        return check_secret(value, f"${SECRET_ENV}")
    path = Path(data_dir) / SECRET_FILE
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # O_EXCL: create it only if it does not exist; 0o600: readable by its owner only.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SecretError(f"{path} can be read by other users (mode {mode:03o}); "
                              f"run: chmod 600 {path}") from None
        return check_secret(path.read_text().strip(), str(path))
    secret = secrets.token_urlsafe(32)  # 32 random bytes, 43 characters
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
    return secret
