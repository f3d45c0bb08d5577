"""Assembling the mock: store, domain service, SOAP front, admin API."""
from __future__ import annotations

import logging

from .control.admin import AdminApi
from .control.calls import ControlledFront
from .control.journal import DEFAULT_SIZE
from .control.plane import ControlPlane
from .domain.service import QacService
from .seed import build, default_dataset
from .soap.service import build_applications, check_handlers
from .domain.owned_items import DEFAULT_MAX_ATTACHMENT
from .soap.direct import DirectCalls
from .soap.wsgi import DEFAULT_MAX_BODY, SoapFront
from .store import Store
from .store.control import ControlStore, SharedCounters

# spyne logs every client fault with a traceback; the mock reports those to the client.
logging.getLogger("spyne.application.client").setLevel(logging.CRITICAL)


class QacMock:
    """The WSGI application: psws.asmx on its documented paths, the admin API under
    /__admin/ (unless disabled), 404 elsewhere."""

    def __init__(self, db: str = ":memory:", dataset: dict | None = None, admin: bool = True,
                 admin_token: str | None = None, journal_size: int = DEFAULT_SIZE,
                 journal_bodies: bool = False, max_body: int = DEFAULT_MAX_BODY,
                 max_attachment: int = DEFAULT_MAX_ATTACHMENT, access_log: str = "text", workers: int = 1,
                 strict: bool = False, direct: bool = True,
                 shared_control: tuple[str, SharedCounters] | None = None):
        """``shared_control``: the control store (path and shared counters) that the worker
        processes of one server share, set up by the process that forked them."""
        self.dataset = dataset if dataset is not None else default_dataset()
        self.store = Store(db)
        if shared_control is None:
            if self.store.is_empty():
                build(self.store, self.dataset)
            self.control = ControlPlane(self.store, ControlStore(), journal_size, journal_bodies)
        else:
            self.control = ControlPlane(self.store, ControlStore(*shared_control))
        self.snapshots, self.journal, self.rules = self.control.snapshots, self.control.journal, self.control.rules
        self.service = QacService(self.store)
        self.service.max_attachment = max_attachment
        # direct=False sends every call through spyne: what tests/test_direct.py compares with.
        check_handlers()
        front = SoapFront(lambda: build_applications(self.service), max_body, strict,
                          DirectCalls(self.service) if direct else None)
        self.soap = ControlledFront(front, self.journal, self.rules, access_log, self.control.conformance)
        self.admin = AdminApi(self, admin_token, workers) if admin else None
        self.max_body = max_body        # the HTTP server refuses larger bodies before reading them

    def __call__(self, environ, start_response):
        self.control.sync()
        path = environ.get("PATH_INFO", "")
        if self.soap.front.handles(path):
            return self.soap(environ, start_response)
        if self.admin is not None and self.admin.handles(path):
            return self.admin(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not found. The service is at /psws/psws.asmx (or /psWS.asmx); WSDL at ?WSDL.\n"]

    def close(self):
        self.control.close()
        self.store.close()
