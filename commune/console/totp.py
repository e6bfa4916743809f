"""The optional second factor: TOTP (RFC 6238, 30-second steps, 6 digits), as phone
authenticator apps expect; enrolment shows a QR code drawn as inline SVG (no script)."""

from __future__ import annotations

import datetime as dt
import hmac

import pyotp

ISSUER = "Village"
STEP_S = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, name: str, commune: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=f"{name}@{commune}", issuer_name=ISSUER)


def qr_svg(text: str) -> str:
    # loaded at enrolment only: qrcode brings Pillow (and Pillow NumPy), ~20 MB the hub
    # would otherwise hold from its start
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step ``code`` is valid for (this one or its neighbours), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // STEP_S
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.at(candidate * STEP_S), code):
            return candidate
    return None
