"""The admin API under ``/__admin/``: JSON over HTTP, for tests and CI.

    GET    /__admin/health                    ready, versions, item counts
    POST   /__admin/reset                     back to the data the server started with
    POST   /__admin/seed                      {"seed": N, "scale": "small|default|large|N"}
    GET    /__admin/snapshots                 the saved snapshots
    POST   /__admin/snapshots                 {"name": "before-sync"}: save the whole state
    POST   /__admin/snapshots/<name>/restore  make the state what it was
    DELETE /__admin/snapshots/<name>

With a token configured, every call needs ``Authorization: Bearer <token>``.
"""
from __future__ import annotations

import hmac
import json
import re

from .. import QACOMPLETE_VERSION, __version__
from ..registry import REGISTRY
from ..seed import build, check
from .snapshots import STARTED

PREFIX = "/__admin"
MAX_BODY = 1024 * 1024
SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class AdminError(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class AdminApi:
    def __init__(self, mock, token: str | None = None):
        # An empty token (QACMOCK_ADMIN_TOKEN= in CI) means none, as the log and client read it.
        self.mock, self.token = mock, token or None

    @staticmethod
    def handles(path: str) -> bool:
        return path == PREFIX or path.startswith(PREFIX + "/")

    def __call__(self, environ, start_response):
        try:
            self._authorise(environ)
            status, payload = self._route(environ)
        except AdminError as error:
            status, payload = error.status, {"error": error.message}
        body = json.dumps(payload, indent=1).encode("utf-8") + b"\n"
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                ("Content-Length", str(len(body)))])
        return [body]

    def _authorise(self, environ):
        if self.token is None:
            return
        given = environ.get("HTTP_AUTHORIZATION", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            raise AdminError("401 Unauthorized", "the admin API needs 'Authorization: Bearer <token>'")

    def _route(self, environ):
        method = environ.get("REQUEST_METHOD", "GET")
        parts = [p for p in environ.get("PATH_INFO", "")[len(PREFIX):].split("/") if p]
        if parts == ["health"] and method == "GET":
            return "200 OK", self.health()
        if parts == ["reset"] and method == "POST":
            self.mock.snapshots.restore(STARTED)
            return "200 OK", {"status": "reset"}
        if parts == ["seed"] and method == "POST":
            return "200 OK", self.seed(self._json(environ))
        if parts == ["snapshots"] and method == "GET":
            return "200 OK", {"snapshots": self.mock.snapshots.listed()}
        if parts == ["snapshots"] and method == "POST":
            name = self._snapshot_name(self._json(environ).get("name"))
            return "201 Created", self.mock.snapshots.save(name)
        if len(parts) >= 2 and parts[0] == "snapshots":
            name = self._snapshot_name(parts[1])
            try:
                if parts[2:] == ["restore"] and method == "POST":
                    self.mock.snapshots.restore(name)
                    return "200 OK", {"status": "restored", "name": name}
                if parts[2:] == [] and method == "DELETE":
                    self.mock.snapshots.delete(name)
                    return "200 OK", {"status": "deleted", "name": name}
            except KeyError:
                raise AdminError("404 Not Found", f"no snapshot named '{name}'") from None
        raise AdminError("404 Not Found", f"no admin endpoint {method} {environ.get('PATH_INFO')}; "
                                          f"see GET {PREFIX}/health")

    def health(self) -> dict:
        store = self.mock.store
        return {"status": "ready", "version": __version__, "qacomplete_version": QACOMPLETE_VERSION,
                "items": {e.type_name: store.count_rows(e.table) for e in REGISTRY.exposed_entities}}

    def seed(self, options: dict) -> dict:
        scale, seed = options.get("scale", "default"), options.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise AdminError("400 Bad Request", "seed must be an integer")
        if not isinstance(scale, (str, int)) or isinstance(scale, bool):
            raise AdminError("400 Bad Request", "scale must be small, default, large or a number of defects")
        store = self.mock.store
        with store.lock:       # requests wait: none sees a half-built dataset
            try:
                check(self.mock.dataset, scale)
            except ValueError as error:
                raise AdminError("400 Bad Request", str(error)) from None
            self.mock.snapshots.clear()
            build(store, self.mock.dataset, scale, seed)
        return {**self.health(), "status": "seeded"}

    @staticmethod
    def _json(environ) -> dict:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            raise AdminError("413 Payload Too Large", f"admin requests are limited to {MAX_BODY} bytes")
        raw = environ["wsgi.input"].read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise AdminError("400 Bad Request", f"the body is not JSON: {error}") from None
        if not isinstance(data, dict):
            raise AdminError("400 Bad Request", "the body must be a JSON object")
        return data

    @staticmethod
    def _snapshot_name(name) -> str:
        if not isinstance(name, str) or not SNAPSHOT_NAME.fullmatch(name):
            raise AdminError("400 Bad Request", "a snapshot name is 1-64 letters, digits, '.', '_' or '-', "
                                                "starting with a letter or digit")
        return name
