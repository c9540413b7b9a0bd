#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): every message it accepts is written to DIR as
<nanoseconds>-<count>.eml, so that names sort in the order of arrival across restarts (written, then
renamed, so a reader never sees half a file). Options: --delay S before
answering each message's end (a slow relay), --tls CERT KEY to offer STARTTLS (and require it before
AUTH), --auth USER:PASSWORD to require AUTH PLAIN/LOGIN. Listens on 127.0.0.1, on --port or one the
system picks, written to --port-file. Stops on SIGTERM."""
import argparse, asyncio, os, signal, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--port-file", required=True)
parser.add_argument("--delay", type=float, default=0)
parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
parser.add_argument("--auth")
parser.add_argument("--implicit", action="store_true", help="TLS from the first byte (port 465 style) instead of STARTTLS")
args = parser.parse_args()
os.makedirs(args.dir, exist_ok=True)

class Handler:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        if args.delay:
            await asyncio.sleep(args.delay)
        Handler.count += 1
        name = os.path.join(args.dir, "%020d-%06d" % (time.time_ns(), Handler.count))
        with open(name + ".tmp", "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (envelope.mail_from, ",".join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content)
        os.rename(name + ".tmp", name + ".eml")
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok)

kwargs = {}
if args.tls:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*args.tls)
    if args.implicit:
        kwargs.update(ssl_context=context)
    else:
        kwargs.update(tls_context=context, require_starttls=True)
if args.auth:
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls) and not args.implicit)
controller = Controller(Handler(), hostname="127.0.0.1", port=args.port or 0, server_hostname="sink.test", **kwargs)
if not args.port:
    # aiosmtpd needs a port; pick a free one.
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    controller.port = port
controller.start()
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(controller.port))
os.rename(args.port_file + ".tmp", args.port_file)
# Set here: a test runner may start this with SIGTERM ignored, which a child inherits.
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
while True:
    time.sleep(1)
