"""verify_webhook against the Standard Webhooks test vectors, signatures computed here from each
format's definition, and (when test/verify-python.test.ts runs this) real Hookwire deliveries."""

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

import pytest

from hookwire_verify import SignatureHeader, WebhookVerificationError, verify_webhook

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "verify" / "vectors.json").read_text("utf-8"))


def expect_error(code, *args, **kwargs):
    with pytest.raises(WebhookVerificationError) as raised:
        verify_webhook(*args, **kwargs)
    assert raised.value.code == code, str(raised.value)


# ---------------------------------------------------------------------------------------------
# Standard Webhooks test vectors (shared with the TypeScript tests).


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_standard_webhooks_vector(case):
    headers = {
        "webhook-id": VECTORS["id"],
        "webhook-timestamp": str(VECTORS["timestamp"]),
        "webhook-signature": VECTORS["signature"],
    }
    for name, value in case.get("headers", {}).items():
        if value is None:
            headers.pop(name)
        else:
            headers[name] = value
    args = (case.get("body", VECTORS["body"]), headers, case.get("secret", VECTORS["secret"]))
    now = VECTORS["timestamp"] + case.get("nowOffsetSeconds", 0)
    if case["expect"] == "ok":
        assert verify_webhook(*args, now=now) == json.loads(VECTORS["body"])
    else:
        expect_error(case["expect"], *args, now=now)


# ---------------------------------------------------------------------------------------------
# The hex header formats, signed here from their definitions.

BODY = '{"id":"evt_1","type":"message.received","timestamp":"2026-11-22T07:00:00.000Z","sessionId":"s1","data":{"text":"héllo €"}}'
OWN_SECRET = "my-own-secret-0123456789"
NOW = 1_800_000_000


def hex_hmac(secret, message):
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def test_sha256_hex_is_the_default_when_only_x_webhook_signature_is_sent():
    headers = {"X-Webhook-Signature": "sha256=" + hex_hmac(OWN_SECRET, BODY)}
    assert verify_webhook(BODY.encode("utf-8"), headers, OWN_SECRET)["data"]["text"] == "héllo €"


def test_hex_without_prefix_under_its_own_name():
    headers = {"x-signature": hex_hmac(OWN_SECRET, BODY)}
    verify_webhook(BODY, headers, OWN_SECRET, signature_header=SignatureHeader(name="x-signature", format="HEX"))
    expect_error(
        "invalid_header",
        BODY,
        {"x-signature": "sha256=" + hex_hmac(OWN_SECRET, BODY)},
        OWN_SECRET,
        signature_header={"name": "x-signature", "format": "HEX"},
    )


def test_timestamped_like_seed_001_receivers():
    header = {"name": "X-WAHooks-Signature", "format": "SHA256_HEX_TIMESTAMPED", "timestampHeader": "X-WAHooks-Timestamp"}
    headers = {"x-wahooks-timestamp": str(NOW), "x-wahooks-signature": "sha256=" + hex_hmac(OWN_SECRET, f"{NOW}.{BODY}")}
    assert verify_webhook(BODY, headers, OWN_SECRET, signature_header=header, now=NOW + 299)["id"] == "evt_1"
    expect_error("timestamp_out_of_tolerance", BODY, headers, OWN_SECRET, signature_header=header, now=NOW + 301)
    assert verify_webhook(BODY, headers, OWN_SECRET, signature_header=header, now=NOW + 3000, tolerance_seconds=3600)
    # The seconds are signed: moving them breaks the signature.
    moved = dict(headers, **{"x-wahooks-timestamp": str(NOW + 1)})
    expect_error("invalid_signature", BODY, moved, OWN_SECRET, signature_header=header, now=NOW)
    expect_error("missing_header", BODY, {"x-wahooks-signature": headers["x-wahooks-signature"]}, OWN_SECRET, signature_header=header, now=NOW)


def test_hex_failures():
    good = {"x-webhook-signature": "sha256=" + hex_hmac(OWN_SECRET, BODY)}
    expect_error("invalid_signature", BODY, good, "another-secret-0123456789")
    expect_error("invalid_signature", BODY.replace("héllo", "hello"), good, OWN_SECRET)
    expect_error("invalid_header", BODY, {"x-webhook-signature": "sha256=zz"}, OWN_SECRET)
    expect_error("missing_header", BODY, {}, OWN_SECRET)
    expect_error("invalid_argument", BODY, good, OWN_SECRET, signature_header={"format": "SHA1"})


def test_several_secrets_while_rolling_over():
    headers = {"x-webhook-signature": "sha256=" + hex_hmac(OWN_SECRET, BODY)}
    assert verify_webhook(BODY, headers, ["new-secret-0123456789ab", OWN_SECRET])


def test_arguments_that_cannot_be_right():
    headers = {"x-webhook-signature": "sha256=" + hex_hmac(OWN_SECRET, BODY)}
    expect_error("invalid_argument", json.loads(BODY), headers, OWN_SECRET)
    expect_error("invalid_argument", BODY, headers, "")
    text = "plain text from a transformation"
    expect_error("invalid_payload", text, {"x-webhook-signature": "sha256=" + hex_hmac(OWN_SECRET, text)}, OWN_SECRET)


def test_framework_headers_and_pairs():
    class EnvironHeaders:  # what Flask's request.headers looks like to the helper
        def __init__(self, pairs):
            self._pairs = pairs

        def items(self):
            return iter(self._pairs)

    value = "sha256=" + hex_hmac(OWN_SECRET, BODY)
    assert verify_webhook(BODY, EnvironHeaders([("X-Webhook-Signature", value)]), OWN_SECRET)
    assert verify_webhook(BODY, [("x-webhook-signature", value)], OWN_SECRET)


# ---------------------------------------------------------------------------------------------
# Real deliveries: test/verify-python.test.ts records what a running Hookwire POSTed to a real
# receiver and names the file in HOOKWIRE_REAL_DELIVERIES.

REAL = os.environ.get("HOOKWIRE_REAL_DELIVERIES")
real_only = pytest.mark.skipif(not REAL, reason="HOOKWIRE_REAL_DELIVERIES unset: run through npm test (test/verify-python.test.ts)")


def real_deliveries():
    if not REAL:
        return []
    return json.loads(Path(REAL).read_text("utf-8"))


@real_only
@pytest.mark.parametrize("delivery", real_deliveries(), ids=lambda d: d["name"])
def test_real_delivery(delivery):
    body = base64.b64decode(delivery["bodyBase64"])
    headers = delivery["headers"]
    secret = delivery["secret"]
    now = delivery["receivedAtSeconds"]

    # The endpoint's own signatureHeader (name, format, timestampHeader), or the default one.
    hex_header = delivery.get("signatureHeader") or SignatureHeader()

    event = verify_webhook(body, headers, secret, now=now)
    assert event["id"] == headers["webhook-id"]
    assert verify_webhook(body, headers, secret, now=now, signature_header=hex_header)["id"] == event["id"]
    expect_error("invalid_signature", body + b" ", headers, secret, now=now)
    expect_error("invalid_signature", body + b" ", headers, secret, now=now, signature_header=hex_header)
    expect_error("invalid_signature", body, headers, "another-own-secret-0123456789", now=now, signature_header=hex_header)
    expect_error("timestamp_out_of_tolerance", body, headers, secret, now=now + 301)

    if not secret.startswith("whsec_"):
        # An endpoint's own secret: the Standard Webhooks key is its UTF-8 bytes, the same key as
        # whsec_ + their base64; the secret decoded as base64 is another key.
        assert delivery["name"].startswith("own secret")
        own_as_whsec = "whsec_" + base64.b64encode(secret.encode("utf-8")).decode("ascii")
        assert verify_webhook(body, headers, own_as_whsec, now=now)["id"] == event["id"]
        with pytest.raises(WebhookVerificationError) as decoded:  # another key, or none (not base64)
            verify_webhook(body, headers, "whsec_" + secret, now=now)
        assert decoded.value.code in ("invalid_signature", "invalid_argument")
        name = hex_header["name"] if isinstance(hex_header, dict) else hex_header.name
        assert name.lower() in {k.lower() for k in headers}
        timestamp_header = isinstance(hex_header, dict) and hex_header.get("timestampHeader")
        if timestamp_header:
            assert headers[timestamp_header] == headers["webhook-timestamp"]
            expect_error("timestamp_out_of_tolerance", body, headers, secret, now=now + 301, signature_header=hex_header)
            moved = dict(headers, **{timestamp_header: str(int(headers[timestamp_header]) - 1)})
            expect_error("invalid_signature", body, moved, secret, now=now, signature_header=hex_header)

    previous = delivery.get("previousSecret")
    if previous:
        # After a rotation both secrets sign the Standard Webhooks header; the hex one, only the new.
        assert verify_webhook(body, headers, previous, now=now)["id"] == event["id"]
        expect_error("invalid_signature", body, headers, previous, now=now, signature_header=SignatureHeader())
