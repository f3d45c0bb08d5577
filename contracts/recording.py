"""Transcripts of a contract run: every request and response, credentials scrubbed.

``--qac-record DIR`` writes, per test, ``NNN-<Operation>.request.xml`` and
``NNN-<Operation>.response.xml`` under ``DIR/<test id>/``, so that two runs (say, against
a real QAComplete and against qacmock) can be compared with ``qacmock contracts diff``.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from zeep import Plugin

SCRUBBED = "***"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# Elements whose text is a secret, wherever they appear.
SECRET_ELEMENTS = ("AppCode", "PassCode", "Password", "Email")


def scrub(envelope) -> bytes:
    tree = etree.fromstring(etree.tostring(envelope))
    for el in tree.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname in SECRET_ELEMENTS and el.text:
            el.text = SCRUBBED
    return etree.tostring(tree, pretty_print=True, encoding="utf-8")


def safe_name(test_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-\[\]]+", "_", test_id).strip("_")[:150] or "session"


class Recorder:
    def __init__(self, directory: str):
        self.root = Path(directory)
        self.root.mkdir(parents=True, exist_ok=True)
        self.test_id = "session"
        self.counter = 0
        self.plugin = _RecordingPlugin(self)

    def begin(self, test_id: str):
        self.test_id, self.counter = test_id, 0

    def write(self, kind: str, operation: str, envelope):
        if kind == "request":
            self.counter += 1
        folder = self.root / safe_name(self.test_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.counter:03d}-{operation}.{kind}.xml").write_bytes(scrub(envelope))

    def write_raw(self, kind: str, operation: str, content: bytes):
        """A hand-written request or its response, recorded like zeep's when it is XML."""
        try:
            envelope = etree.fromstring(content, _PARSER)
        except etree.XMLSyntaxError:
            envelope = etree.Element("NotXml")
            envelope.text = content.decode("utf-8", "replace")
        self.write(kind, operation, envelope)


class _RecordingPlugin(Plugin):
    def __init__(self, recorder: Recorder):
        self.recorder = recorder
        self.operation = "call"

    def egress(self, envelope, http_headers, operation, binding_options):
        self.operation = operation.name
        self.recorder.write("request", self.operation, envelope)
        return envelope, http_headers

    def ingress(self, envelope, http_headers, operation):
        self.recorder.write("response", operation.name if operation else self.operation, envelope)
        return envelope, http_headers
