#!/usr/bin/env python3
"""A local SMTP sink for tests (Debian: python3-aiosmtpd).

Usage: smtp_sink.py OUT_DIR [--auth USER:PASSWORD]

Listens on 127.0.0.1 on a free port, writes that port to OUT_DIR/port, and
saves each accepted message as OUT_DIR/NNNNN.eml: three X-Sink-* lines
(envelope sender, recipients, authenticated login or "-") followed by the
message exactly as received. With --auth, AUTH PLAIN/LOGIN is offered (over
plain text, for tests) and a message is refused unless the client logged in
with that user and password. Exits when its parent process goes away.
"""
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Saver:
    def __init__(self, out_dir, require_auth):
        self.out_dir = out_dir
        self.require_auth = require_auth
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        login = "-"
        if session.authenticated and session.auth_data is not None:
            data = session.auth_data
            login = data.login.decode() if isinstance(data, LoginPassword) else str(data)
        if self.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        self.count += 1
        path = os.path.join(self.out_dir, "%05d.eml" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(("X-Sink-From: %s\r\n" % envelope.mail_from).encode())
            f.write(("X-Sink-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(("X-Sink-Login: %s\r\n" % login).encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 OK"


def main():
    out_dir = sys.argv[1]
    user = password = None
    if len(sys.argv) == 4 and sys.argv[2] == "--auth":
        user, password = sys.argv[3].split(":", 1)
    handler = Saver(out_dir, user is not None)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def factory():
        if user is None:
            return SMTP(handler)
        return SMTP(handler, authenticator=authenticator, auth_require_tls=False)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(out_dir, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(out_dir, "port.tmp"), os.path.join(out_dir, "port"))
    parent = os.getppid()

    async def watch_parent():
        while os.getppid() == parent:
            await asyncio.sleep(0.5)
        loop.stop()

    loop.create_task(watch_parent())
    loop.run_forever()


if __name__ == "__main__":
    main()
