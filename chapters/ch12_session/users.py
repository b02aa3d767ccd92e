"""Chapter 12's two demo users (chapter 11 keeps users in MySQL; here the point is the session).
Their passwords are hashed with scrypt as chapter 11 does, and checked in constant time."""
import hashlib
import hmac


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


USERS = {name: (salt, _hash(password, salt)) for name, password, salt in [
    ("topaz", "tornado", b"demo-salt-topaz!"), ("alice", "wonderland", b"demo-salt-alice!")]}


def password_matches(name: str, password: str) -> bool:
    """Tens of milliseconds of CPU on purpose: call it on a worker thread, not the loop."""
    salt, digest = USERS.get(name, (b"no-such-user-sal", b""))
    return hmac.compare_digest(_hash(password, salt), digest)
