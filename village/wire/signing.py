"""Ed25519 signatures on manifests and commands.

A signed message travels as an envelope::

    {"alg": "ed25519", "key": "<key id>", "signed": "<the message, JSON text>",
     "sig": "<base64 signature of the UTF-8 bytes of signed>"}

The signature covers the exact bytes of ``signed``, so no canonical JSON is needed. The
key id is the first 16 hex digits of the SHA-256 of the raw public key. Devices are
provisioned with the hub's public key as base64 of its 32 raw bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from village.atomic import atomic_write_bytes
from village.wire import codec
from village.wire.errors import Refused, WireError

ALGORITHM = "ed25519"


def key_id(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()[:16]


class VerifyKey:
    """The hub's public key, as a device holds it."""

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 32:
            raise WireError("an Ed25519 public key is 32 bytes")
        self.raw = raw
        self.id = key_id(raw)
        self._key = Ed25519PublicKey.from_public_bytes(raw)

    @classmethod
    def from_text(cls, text: str) -> VerifyKey:
        """From base64 of the raw key (what ``village hub init`` prints)."""
        try:
            raw = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WireError(f"hub key is not base64: {exc}") from exc
        return cls(raw)

    def text(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def open(self, payload: bytes, *, limit: int, what: str) -> dict[str, Any]:
        """Check an envelope's signature; returns the signed message as a dict."""
        envelope = codec.decode(payload, limit=limit, what=what)
        if "sig" not in envelope or "signed" not in envelope:
            raise Refused("unsigned", f"{what} carries no signature")
        fields = codec.Fields(envelope, what)
        alg = fields.text("alg", max_len=20)
        kid = fields.text("key", max_len=64)
        signed = fields.text("signed", max_len=limit)
        sig_text = fields.text("sig", max_len=200)
        fields.finish()
        if alg != ALGORITHM:
            raise Refused("bad-signature", f"{what}: algorithm {alg!r} is not {ALGORITHM}")
        if kid != self.id:
            raise Refused("wrong-key", f"{what} is signed by key {kid}, not the hub's {self.id}")
        try:
            signature = base64.b64decode(sig_text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Refused("bad-signature", f"{what}: signature is not base64") from exc
        try:
            self._key.verify(signature, signed.encode("utf-8"))
        except InvalidSignature as exc:
            raise Refused("bad-signature", f"{what}: the signature does not verify") from exc
        try:
            message = json.loads(signed)
        except ValueError as exc:
            raise Refused("malformed", f"{what}: signed text is not JSON") from exc
        if not isinstance(message, dict):
            raise Refused("malformed", f"{what}: signed text is not a JSON object")
        return message


class SigningKey:
    """The hub's private key."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = VerifyKey(raw)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise WireError(f"cannot read the signing key {path}: {exc.strerror}") from exc
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise WireError(f"{path} is not a PEM private key: {exc}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise WireError(f"{path} is not an Ed25519 key")
        return cls(key)

    def save(self, path: Path) -> None:
        """Write the key (PKCS#8 PEM, readable by its owner only); never overwrites."""
        path = Path(path)
        if path.exists():
            raise WireError(f"{path} exists: a signing key is never overwritten")
        pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        atomic_write_bytes(path, pem, mode=0o600)
        os.chmod(path, 0o600)

    def seal(self, message: dict[str, Any]) -> bytes:
        """The envelope carrying ``message`` and its signature, as bytes to publish."""
        signed = codec.encode(message).decode("utf-8")
        signature = self._key.sign(signed.encode("utf-8"))
        return codec.encode(
            {
                "alg": ALGORITHM,
                "key": self.public.id,
                "signed": signed,
                "sig": base64.b64encode(signature).decode("ascii"),
            }
        )
