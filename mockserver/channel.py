"""waitress's connection handling, adjusted for clients that misbehave.

- A hundred stalled clients must not lock out a new one (``CONNECTION_LIMITS``).
- A body over the limit is refused from its Content-Length, unread, and still answered by the
  application (journaled, logged, a SOAP fault) like every other refusal.
- waitress's own refusals are SOAP faults, and "Expect: 100-continue" on an empty body is
  answered (waitress 3.0.2 never did).
"""
from __future__ import annotations

import io

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import RequestEntityTooLarge

from .soap.envelope import CONTENT_TYPES
from .soap.faults import FaultSpec, fault_bytes
from .soap.wsgi import CHUNKED_OVER_LIMIT

# waitress's defaults (100 connections, idle ones kept 120 s) let a hundred stalled clients
# lock out every new one for two minutes. Connections cost a socket and a few KB each; a call in
# progress is never "idle", however slow.
CONNECTION_LIMITS = {"connection_limit": 1000, "channel_timeout": 30, "cleanup_interval": 5}


class _SoapErrorTask(ErrorTask):
    """waitress's own refusals (a malformed request head, headers over its limit) as SOAP
    faults, in the version the Content-Type names."""

    def execute(self):
        error = self.request.error
        version = "1.2" if "application/soap+xml" in self.request.headers.get("CONTENT_TYPE", "") else "1.1"
        body = fault_bytes(version, FaultSpec.framework(
            f"{error.reason}: {error.body}" if error.body else error.reason))
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", CONTENT_TYPES[version]))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _RefusedBodyTask(WSGITask):
    """A body over the limit, stopped by waitress before it was read (from its Content-Length, or
    as soon as a chunked one passed the limit): the application sees the call with its declared
    length and no body, so it answers, journals and logs the 413 as it does every refusal."""

    def execute(self):
        self.set_close_on_finish()      # the rest of the body is never read
        super().execute()

    def get_environment(self):
        environ = super().get_environment()
        environ["wsgi.input"] = io.BytesIO()
        if self.request.chunked:
            environ[CHUNKED_OVER_LIMIT] = True
        return environ


def _error_task(channel, request):
    if isinstance(request.error, RequestEntityTooLarge):
        return _RefusedBodyTask(channel, request)
    return _SoapErrorTask(channel, request)


class Channel(HTTPChannel):
    error_task_class = staticmethod(_error_task)

    def send_continue(self):
        # waitress 3.0.2 answers "Expect: 100-continue" even when the body is already complete
        # (Content-Length: 0), then marks the request incomplete, so it is never answered.
        if self.request.completed:
            self.request.expect_continue = False
            return
        super().send_continue()
