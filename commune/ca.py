"""A small certificate authority for one commune's broker (``village broker ca …``).

``init`` makes the CA (an EC P-256 key and a self-signed certificate, ten years); ``server``
makes the broker's key and certificate for its host names and addresses; ``client`` makes a
client certificate when the broker is set to require one. Devices trust ``ca.crt`` only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from commune.errors import HubError
from village.atomic import atomic_write_bytes

CA_DAYS = 3650
LEAF_DAYS = 825


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_pair(folder: Path, name: str, key: ec.EllipticCurvePrivateKey, cert) -> Path:
    atomic_write_bytes(folder / f"{name}.key", _key_pem(key), mode=0o600)
    atomic_write_bytes(folder / f"{name}.crt", cert.public_bytes(serialization.Encoding.PEM))
    return folder / f"{name}.crt"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # tolerate small clock skew


def make_ca(folder: Path, commune: str, days: int = CA_DAYS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "ca.key").exists():
        raise HubError(f"{folder}/ca.key exists: a CA is never overwritten")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"village {commune}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"village {commune} CA"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now())
        .not_valid_after(_now() + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _write_pair(folder, "ca", key, cert)


def _load_ca(folder: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    try:
        key = serialization.load_pem_private_key((folder / "ca.key").read_bytes(), None)
        cert = x509.load_pem_x509_certificate((folder / "ca.crt").read_bytes())
    except FileNotFoundError as exc:
        raise HubError(f"no CA in {folder}: run 'village broker ca init' first") from exc
    except ValueError as exc:
        raise HubError(f"the CA in {folder} is unreadable: {exc}") from exc
    return key, cert  # type: ignore[return-value]


def _leaf(
    folder: Path,
    file_name: str,
    common_name: str,
    usage: x509.ObjectIdentifier,
    names: list[x509.GeneralName],
    days: int,
) -> Path:
    ca_key, ca_cert = _load_ca(folder)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now())
        .not_valid_after(_now() + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    return _write_pair(folder, file_name, key, cert)


def make_server_cert(
    folder: Path,
    hosts: list[str],
    addresses: list[str],
    days: int = LEAF_DAYS,
    name: str = "server",
) -> Path:
    """``NAME.crt``/``NAME.key`` (default ``server``, the broker's; ``console`` for the web
    console), valid for the names and addresses."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", name) or name == "ca":
        raise HubError(f"certificate name {name!r}: use a-z, 0-9 and '-', not 'ca'")
    if not hosts and not addresses:
        raise HubError("give the broker's host name (--host) or address (--ip)")
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in hosts]
    try:
        names += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    except ValueError as exc:
        raise HubError(str(exc)) from exc
    common = hosts[0] if hosts else addresses[0]
    return _leaf(folder, name, common, ExtendedKeyUsageOID.SERVER_AUTH, names, days)


def make_client_cert(folder: Path, name: str, days: int = LEAF_DAYS) -> Path:
    return _leaf(folder, name, name, ExtendedKeyUsageOID.CLIENT_AUTH, [], days)
