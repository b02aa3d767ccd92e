"""Chapter 11, lesson section 3: passwords are never stored. A random salt per user, and
scrypt, a hash that is slow and memory-hard on purpose; compared in constant time. The hash
runs on a thread, as 40 ms of CPU on the IOLoop would stall every other request."""
import hashlib
import hmac
import secrets

from tornado.ioloop import IOLoop


def hash_password(password: str, salt: bytes) -> bytes:
    # scrypt is deliberately slow (~40 ms) and memory-hard, so a stolen table is slow to crack.
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


async def password_matches(password: str, salt_hex: str, hash_hex: str) -> bool:
    # 40 ms of CPU would stall every other request: the hash runs on a thread.
    computed = await IOLoop.current().run_in_executor(
        None, hash_password, password, bytes.fromhex(salt_hex))
    return hmac.compare_digest(computed.hex(), hash_hex)  # constant time


NOBODY_SALT, NOBODY_HASH = "00" * 16, "00" * 32  # matches no password


async def new_password(password: str) -> tuple[str, str]:
    salt = secrets.token_bytes(16)
    digest = await IOLoop.current().run_in_executor(None, hash_password, password, salt)
    return salt.hex(), digest.hex()
