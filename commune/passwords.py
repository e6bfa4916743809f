"""Mosquitto password file entries, written without ``mosquitto_passwd``.

Mosquitto 2.0's format is ``user:$7$<iterations>$<salt>$<hash>``: PBKDF2-HMAC-SHA512 with a
12-byte salt, 64-byte hash, both base64. 101 iterations is what ``mosquitto_passwd`` uses;
passwords here are 24 random characters, so the iteration count is not what protects them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets

ITERATIONS = 101
SALT_BYTES = 12


def new_password() -> str:
    return secrets.token_urlsafe(18)


def password_entry(username: str, password: str, salt: bytes | None = None) -> str:
    if ":" in username or "\n" in username:
        raise ValueError(f"user name {username!r} cannot be written in a password file")
    salt = salt or os.urandom(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, ITERATIONS)
    encoded_salt = base64.b64encode(salt).decode("ascii")
    encoded_hash = base64.b64encode(digest).decode("ascii")
    return f"{username}:$7${ITERATIONS}${encoded_salt}${encoded_hash}"


def check_entry(entry: str, password: str) -> bool:
    """True if ``entry`` (one line of a password file) accepts ``password``."""
    _, _, rest = entry.strip().partition(":")
    parts = rest.split("$")
    if len(parts) != 5 or parts[1] != "7":
        return False
    iterations = int(parts[2])
    salt = base64.b64decode(parts[3])
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations)
    return secrets.compare_digest(base64.b64encode(digest).decode("ascii"), parts[4])
