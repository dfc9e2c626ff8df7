"""Check that a webhook came from Hookwire before trusting its body.

Verifies the Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) by
default, or the signature header an endpoint is configured with (SHA256_HEX, HEX,
SHA256_HEX_TIMESTAMPED), with a timestamp tolerance and constant-time comparison. The same rules as
the TypeScript helper (@hookwire/verify); standard library only.

    from hookwire_verify import verify_webhook, WebhookVerificationError

    event = verify_webhook(request.get_data(), request.headers, SIGNING_SECRET)
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "SignatureHeader",
    "WebhookVerificationError",
    "verify_webhook",
]

__version__ = "0.1.0"

DEFAULT_TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"
FORMATS = ("SHA256_HEX", "HEX", "SHA256_HEX_TIMESTAMPED")

_HEX_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")
_UNIX_SECONDS = re.compile(r"^\d{1,12}$")


class WebhookVerificationError(Exception):
    """The one error verify_webhook raises; ``code`` says why.

    missing_header, invalid_header, timestamp_out_of_tolerance, invalid_signature,
    invalid_argument (an empty secret, a parsed body), invalid_payload (valid, but not JSON).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SignatureHeader:
    """The hex signature header an endpoint is configured with (its signatureHeader)."""

    name: str = "x-webhook-signature"
    format: str = "SHA256_HEX"
    #: SHA256_HEX_TIMESTAMPED only: the header with the signed unix seconds.
    timestamp_header: str = "x-webhook-timestamp"


def verify_webhook(
    raw_body: Union[bytes, bytearray, memoryview, str],
    headers: Union[Mapping[str, Any], Iterable[Any]],
    secret: Union[str, Sequence[str]],
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: Optional[float] = None,
    signature_header: Union[SignatureHeader, Mapping[str, str], None] = None,
) -> Any:
    """Verify a webhook and return its parsed JSON body.

    ``raw_body`` must be the bytes as received (Flask: ``request.get_data()``; Django:
    ``request.body``): a body parsed and serialised again no longer matches its signature.
    ``secret`` is the endpoint's signingSecret exactly as Hookwire shows it (a generated ``whsec_…``
    one, or the endpoint's own secret as it was set), or a list of secrets while you roll one over.
    ``now`` is unix seconds (the clock by default). With ``signature_header``, that header is
    verified instead of the Standard Webhooks ones; without it, webhook-signature is verified,
    or x-webhook-signature (SHA256_HEX) when a request has only that.
    Raises WebhookVerificationError.
    """
    body = _body_bytes(raw_body)
    secrets = _secret_list(secret)
    read = _header_reader(headers)
    now_seconds = int(time.time() if now is None else now)

    if signature_header is not None:
        _verify_hex(body, read, secrets, _signature_header(signature_header), now_seconds, tolerance_seconds)
    elif read("webhook-signature") is not None or read("webhook-id") is not None:
        _verify_standard(body, read, secrets, now_seconds, tolerance_seconds)
    elif read("x-webhook-signature") is not None:
        _verify_hex(body, read, secrets, SignatureHeader(), now_seconds, tolerance_seconds)
    else:
        raise WebhookVerificationError(
            "missing_header", "No signature: expected webhook-id, webhook-timestamp and webhook-signature headers"
        )

    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WebhookVerificationError("invalid_payload", "The signature is valid, but the body is not JSON") from None


def _verify_standard(body: bytes, read, secrets: List[str], now_seconds: int, tolerance: int) -> None:
    msg_id = _required(read, "webhook-id")
    timestamp = _signed_seconds(_required(read, "webhook-timestamp"), "webhook-timestamp", now_seconds, tolerance)
    signatures = []
    for entry in _required(read, "webhook-signature").split(" "):
        if entry.startswith("v1,"):
            decoded = _b64decode(entry[3:])
            if decoded is not None:
                signatures.append(decoded)
    signed = f"{msg_id}.{timestamp}.".encode("utf-8") + body
    for secret in secrets:
        expected = hmac.new(_standard_webhooks_key(secret), signed, hashlib.sha256).digest()
        if any(hmac.compare_digest(signature, expected) for signature in signatures):
            return
    raise WebhookVerificationError(
        "invalid_signature", "No webhook-signature entry matches: wrong secret, or the body was changed"
    )


def _standard_webhooks_key(secret: str) -> bytes:
    # As Hookwire derives it: a whsec_ secret carries the key in base64 after the prefix; any other
    # secret (an endpoint's own signingSecret) is its UTF-8 bytes, what the standardwebhooks and
    # svix libraries use given format "raw". Decoding an own secret as base64 never matches.
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode("utf-8")
    key = _b64decode(secret[len(SECRET_PREFIX):])
    if key is None:
        raise WebhookVerificationError("invalid_argument", "A whsec_ secret must be base64 after its prefix")
    return key


def _verify_hex(body: bytes, read, secrets: List[str], header: SignatureHeader, now_seconds: int, tolerance: int) -> None:
    if header.format not in FORMATS:
        raise WebhookVerificationError("invalid_argument", f"format must be one of {', '.join(FORMATS)}")
    value = _required(read, header.name).strip()
    signed = body
    if header.format == "SHA256_HEX_TIMESTAMPED":
        seconds = _signed_seconds(_required(read, header.timestamp_header), header.timestamp_header, now_seconds, tolerance)
        signed = f"{seconds}.".encode("utf-8") + body
    prefix = "" if header.format == "HEX" else "sha256="
    digest = value[len(prefix):]
    if not value.lower().startswith(prefix) or not _HEX_DIGEST.match(digest):
        raise WebhookVerificationError("invalid_header", f"{header.name} is not {prefix}<64 hex digits>")
    given = bytes.fromhex(digest)
    for secret in secrets:
        expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()
        if hmac.compare_digest(given, expected):
            return
    raise WebhookVerificationError("invalid_signature", f"{header.name} does not match: wrong secret, or the body was changed")


def _signed_seconds(raw: str, name: str, now_seconds: int, tolerance: int) -> int:
    if not _UNIX_SECONDS.match(raw.strip()):
        raise WebhookVerificationError("invalid_header", f"{name} must be unix seconds, got {raw!r}")
    seconds = int(raw.strip())
    if abs(now_seconds - seconds) > tolerance:
        raise WebhookVerificationError(
            "timestamp_out_of_tolerance",
            f"{name} is {now_seconds - seconds} s from now, beyond the tolerance of {tolerance} s "
            "(a replay, or a clock out of sync)",
        )
    return seconds


def _b64decode(text: str) -> Optional[bytes]:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _header_reader(headers):
    # Flask's and Django's headers, a dict, or (name, value) pairs: names match case-insensitively.
    items = headers.items() if hasattr(headers, "items") else headers
    lower = {}
    for name, value in items:
        if value is None:
            continue
        text = " ".join(value) if isinstance(value, (list, tuple)) else str(value)
        key = str(name).lower()
        lower[key] = f"{lower[key]} {text}" if key in lower else text
    return lambda name: lower.get(name.lower())


def _required(read, name: str) -> str:
    value = read(name)
    if value is None or value == "":
        raise WebhookVerificationError("missing_header", f"Missing header {name}")
    return value


def _body_bytes(raw_body) -> bytes:
    if isinstance(raw_body, str):
        return raw_body.encode("utf-8")
    if isinstance(raw_body, (bytes, bytearray, memoryview)):
        return bytes(raw_body)
    raise WebhookVerificationError(
        "invalid_argument",
        "raw_body must be the body as received (bytes or str), not a parsed object: its signature covers the exact bytes",
    )


def _secret_list(secret) -> List[str]:
    secrets = [secret] if isinstance(secret, str) else list(secret)
    secrets = [s for s in secrets if isinstance(s, str) and s]
    if not secrets:
        raise WebhookVerificationError("invalid_argument", "secret must be the endpoint's signingSecret")
    return secrets


def _signature_header(value) -> SignatureHeader:
    if isinstance(value, SignatureHeader):
        return value
    return SignatureHeader(
        name=value.get("name") or "x-webhook-signature",
        format=value.get("format") or "SHA256_HEX",
        timestamp_header=value.get("timestamp_header") or value.get("timestampHeader") or "x-webhook-timestamp",
    )
