"""Assembling the mock: store, domain service, SOAP front."""
from __future__ import annotations

import logging

from .domain.service import QacService
from .seed import build, default_dataset
from .soap.service import build_applications
from .soap.wsgi import SoapFront
from .store import Store

# spyne logs every client fault with a traceback; the mock reports those to the client.
logging.getLogger("spyne.application.client").setLevel(logging.CRITICAL)


class QacMock:
    """The WSGI application: psws.asmx on its documented paths, 404 elsewhere."""

    def __init__(self, db: str = ":memory:", dataset: dict | None = None):
        self.store = Store(db)
        if self.store.is_empty():
            build(self.store, dataset if dataset is not None else default_dataset())
        self.service = QacService(self.store)
        self.soap = SoapFront(build_applications(self.service))

    def __call__(self, environ, start_response):
        if self.soap.handles(environ.get("PATH_INFO", "")):
            return self.soap(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not found. The service is at /psws/psws.asmx (or /psWS.asmx); WSDL at ?WSDL.\n"]
