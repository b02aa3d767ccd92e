"""签名Cookie的本质: a signed cookie taken apart, field by field.

Tornado's signed values (format version 2, the default since Tornado 3.2.1) look like

    2|1:0|10:1732170000|4:role|8:Z3Vlc3Q=|<64 hex digits>
    ^ ^   ^             ^      ^          ^
    | |   timestamp     name   value,     signature: HMAC-SHA256(cookie_secret, everything
    | key version              base64                before it, up to and including the last |)
    format version

Every field but the first and the last is "<length>:<bytes>", so a field cannot bleed into the
next one. Nothing here is encrypted: base64 is an encoding that anyone can reverse.
"""
from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass

_SIGNATURE = re.compile(rb"[0-9a-f]{64}")
_YEAR_10000 = 253402300800  # the first second datetime cannot show


@dataclass(frozen=True)
class SignedValue:
    version: int
    key_version: int
    timestamp: int
    name: str
    value_base64: bytes
    signature: bytes
    signed_part: bytes  # what the HMAC covers: everything before the signature

    @property
    def value(self) -> bytes:
        """The value in clear: base64 *decoding*, which needs no secret at all."""
        return base64.b64decode(self.value_base64, validate=True)

    @property
    def issued(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.timestamp, datetime.UTC)

    def fields(self) -> dict[str, str | int]:
        """The fields as /signed/anatomy shows them."""
        return {
            "format version": self.version,
            "key version": self.key_version,
            "timestamp": self.timestamp,
            "issued (UTC)": self.issued.strftime("%Y-%m-%d %H:%M:%S"),
            "name": self.name,
            "value, base64": self.value_base64.decode(),
            "value, decoded without any secret": self.value.decode(errors="replace"),
            "signature, HMAC-SHA256 hex": self.signature.decode(),
        }

    def signature_matches(self, secret: str | bytes) -> bool:
        """Recompute the HMAC with secret, and compare in constant time (as Tornado does)."""
        key = secret.encode() if isinstance(secret, str) else secret
        expected = hmac.new(key, self.signed_part, hashlib.sha256).hexdigest().encode()
        return hmac.compare_digest(expected, self.signature)


def parse(raw: str | bytes) -> SignedValue:
    """Split a version-2 signed value into its fields; ValueError says what is malformed.

    Parsing checks the *shape* only. Whether the server signed it is signature_matches(secret).
    """
    data = raw.encode() if isinstance(raw, str) else raw
    if not data.startswith(b"2|"):
        raise ValueError("not a version-2 signed value: it should start with '2|'")
    rest = data[2:]
    fields = []
    for field_name in ("key version", "timestamp", "name", "value"):
        length, colon, rest = rest.partition(b":")
        if not colon or not length.isdigit():
            raise ValueError(f"the {field_name} field should start with '<length>:'")
        n = int(length)
        field, bar, rest = rest[:n], rest[n:n + 1], rest[n + 1:]
        if len(field) != n or bar != b"|":
            raise ValueError(f"the {field_name} field is not {n} bytes followed by '|'")
        fields.append(field)
    key_version, timestamp, name, value_base64 = fields
    if not (key_version.isdigit() and timestamp.isdigit()):
        raise ValueError("the key version and the timestamp should be decimal numbers")
    if int(timestamp) >= _YEAR_10000:
        raise ValueError("the timestamp is after the year 9999")
    if not _SIGNATURE.fullmatch(rest):
        raise ValueError("the signature should be 64 hex digits (an HMAC-SHA256)")
    try:
        base64.b64decode(value_base64, validate=True)
    except binascii.Error:
        raise ValueError("the value field is not base64") from None
    return SignedValue(
        version=2,
        key_version=int(key_version),
        timestamp=int(timestamp),
        name=name.decode("utf-8", errors="replace"),
        value_base64=value_base64,
        signature=rest,
        signed_part=data[: len(data) - len(rest)],
    )
