#!/usr/bin/env python3
"""A webhook receiver for the tests: checks each request's X-Deskside-Signature (HMAC-SHA256 of
"t.body" with the secret in --secret-file, t within 5 minutes), answers 500 to the first --fail
requests and 200 after, and appends one JSON line per request to --log: the delivery id, the
event, whether the signature held, the status answered and the body. Port in --port-file."""
import argparse, hashlib, hmac, json, os, signal, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--secret-file", required=True)
parser.add_argument("--fail", type=int, default=0)
parser.add_argument("--log", required=True)
parser.add_argument("--port-file", required=True)
args = parser.parse_args()
seen = {"requests": 0}

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        header = self.headers.get("X-Deskside-Signature", "")
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        secret = open(args.secret_file).read().strip().encode()
        expected = hmac.new(secret, parts.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, parts.get("v1", "")) and abs(time.time() - int(parts.get("t", "0"))) < 300
        seen["requests"] += 1
        status = 500 if seen["requests"] <= args.fail else 200
        with open(args.log, "a") as f:
            f.write(json.dumps({"delivery": self.headers.get("X-Deskside-Delivery"), "event": self.headers.get("X-Deskside-Event"),
                                "valid": valid, "status": status, "body": json.loads(body)}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass

# Set here: a test runner may start this with SIGTERM ignored, which a child inherits.
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
# A backlog for many connections at once (socketserver's default of 5 drops the rest, which then
# wait a second for their SYN to be sent again).
ThreadingHTTPServer.request_queue_size = 256
ThreadingHTTPServer.daemon_threads = True
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
server.serve_forever()
