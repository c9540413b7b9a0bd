#!/usr/bin/env python3
"""Sends one mail to the collector's mail listener with Python's smtplib, as a mail server would
forward it, and prints the server's answer as "CODE text" (or the refusal's). Usage:
mail_send.py PORT ENVELOPE_FROM FILE (the message, as bytes)."""
import smtplib, sys

port, sender, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
message = open(path, "rb").read()
try:
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
        smtp.ehlo("mx.example.com")
        smtp.mail(sender)
        code, text = smtp.rcpt("helpdesk@example.com")
        if code >= 400:
            print(code, text.decode()); sys.exit(0)
        code, text = smtp.data(message)
        print(code, text.decode())
except smtplib.SMTPResponseException as error:
    print(error.smtp_code, error.smtp_error.decode())
except smtplib.SMTPServerDisconnected as error:
    print("0 disconnected:", error)
