# Runs printed Flask receivers unchanged. Each file's text is executed as it is, in one namespace
# that already holds what printed snippets assume without showing it (app = Flask(...), request,
# jsonify, os); a complete printed app simply defines its own app. Then, optionally,
#   --route FUNCTION:HEADER:PATH
# wires POST PATH to FUNCTION(raw body, the HEADER value or "", os.environ["WEBHOOK_SECRET"]),
# answering 401 when it returns False (for seeds that print a verify function but no route).
# Serves on 127.0.0.1:$PORT.
import os
import sys

from flask import Flask, jsonify, request

args = sys.argv[1:]
route = None
if "--route" in args:
    at = args.index("--route")
    route = args[at + 1].split(":")
    del args[at : at + 2]

namespace = {"__name__": "seed_receiver", "app": Flask("seed_receiver"), "request": request, "jsonify": jsonify, "os": os}
for path in args:
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), namespace)
app = namespace["app"]

if route:
    fn, header, url = route

    def hookwire_route():
        valid = namespace[fn](request.get_data(), request.headers.get(header, ""), os.environ["WEBHOOK_SECRET"])
        return ("OK", 200) if valid else ("Invalid signature", 401)

    app.add_url_rule(url, "hookwire_route", hookwire_route, methods=["POST"])

print(f"listening on 127.0.0.1:{os.environ['PORT']}", flush=True)
app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
