"""Running the mock on waitress, a production WSGI server."""
from __future__ import annotations

import logging

import waitress
from waitress.server import create_server

from .app import QacMock

log = logging.getLogger("qacmock")


def make_server(app: QacMock, host: str = "127.0.0.1", port: int = 8080, threads: int = 8):
    """A bound (not yet running) waitress server; port 0 picks a free port."""
    return create_server(app, host=host, port=port, threads=threads, ident="qacmock",
                         clear_untrusted_proxy_headers=True)


def serve(db: str, host: str, port: int, threads: int = 8, admin: bool = True,
          admin_token: str | None = None):
    app = QacMock(db, admin=admin, admin_token=admin_token)
    server = make_server(app, host, port, threads)
    log.info("qacmock serving psws.asmx at http://%s:%s/psws/psws.asmx (WSDL: ?WSDL), database %s",
             server.effective_host, server.effective_port, db)
    if admin:
        log.info("admin API at http://%s:%s/__admin/health%s", server.effective_host,
                 server.effective_port, " (bearer token required)" if admin_token else "")
    try:
        server.run()
    finally:
        app.store.close()


__all__ = ["make_server", "serve", "waitress"]
