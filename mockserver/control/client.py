"""The admin API from Python, for users' own tests:

    from mockserver.control.client import AdminClient
    admin = AdminClient("http://localhost:8080")          # token="..." if the server has one
    admin.snapshot("clean")
    ...                                                    # the test changes data over SOAP
    admin.restore("clean")                                 # or admin.reset()
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request


class AdminApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}")
        self.status, self.message = status, message


class AdminClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30):
        # Accept the server root or the service URL, in any of the spellings IIS accepts.
        cut = min([i for i in (base_url.lower().find("/psws"), base_url.find("/__admin"), base_url.find("?"))
                   if i >= 0], default=len(base_url))
        base = base_url[:cut].rstrip("/")
        self.base, self.token, self.timeout = base + "/__admin", token, timeout

    def health(self) -> dict:
        return self._call("GET", "/health")

    def reset(self) -> dict:
        return self._call("POST", "/reset")

    def seed(self, scale: str | int = "default", seed: int | None = None) -> dict:
        body = {"scale": scale} | ({"seed": seed} if seed is not None else {})
        return self._call("POST", "/seed", body)

    def snapshots(self) -> list[dict]:
        return self._call("GET", "/snapshots")["snapshots"]

    def snapshot(self, name: str) -> dict:
        return self._call("POST", "/snapshots", {"name": name})

    def restore(self, name: str) -> dict:
        return self._call("POST", f"/snapshots/{name}/restore")

    def delete_snapshot(self, name: str) -> dict:
        return self._call("DELETE", f"/snapshots/{name}")

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read()).get("error", error.reason)
            except ValueError:
                message = error.reason
            raise AdminApiError(error.code, message) from None
