import hmac
import hashlib
from flask import Flask, request, jsonify
app = Flask(__name__)
SIGNING_SECRET = "your-signing-secret"
@app.route("/webhook", methods=["POST"])
def webhook():
    # Verify signature
    signature = request.headers.get("X-WAHooks-Signature", "")
    timestamp = request.headers.get("X-WAHooks-Timestamp", "")
    body = request.get_data(as_text=True)
    expected = "sha256=" + hmac.new(
        SIGNING_SECRET.encode(),
        f"{timestamp}.{body}".encode(),
        hashlib.sha256,
    ).hexdigest()
    if not hmac.compare_digest(signature, expected):
        return "Invalid signature", 401
    # Process the event
    data = request.get_json()
    print(f"Received {data['event']}: {data.get('payload', {}).get('body')}")
    return jsonify({"ok": True})
