"""Shared helpers for tests that drive a live qacmock over HTTP."""
from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import uuid

import pytest
import requests
import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport

NS = "http://www.pragmaticsw.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
UNSET_DATE = datetime.datetime(1, 1, 1)

ADMIN = {"email": "admin@example.com", "password": "p@ssword", "user_id": 25315}
FAMILY_ALBUM, SCREEN_SAVER, BILLING = 10372, 10369, 11873
DEPT = 7154


class Soap:
    """A zeep client bound to one SOAP version's port, with the raw exchange kept."""

    def __init__(self, url: str, version: str, session: requests.Session | None = None):
        """``session``: the HTTP session to call through (one kept-alive connection, one server process)."""
        self.url = url
        self.version = version
        self.history = HistoryPlugin()
        transport = Transport(session=session) if session is not None else None
        self.client = zeep.Client(url + "?WSDL", plugins=[self.history], transport=transport)
        self.service = self.client.bind("Service", "ServiceSoap12" if version == "1.2" else "ServiceSoap")

    @property
    def last_response(self):
        return self.history.last_received["envelope"]

    def new(self, type_name: str, **values):
        """An item carrying every member, at .NET's defaults when not given (as a .NET client sends)."""
        item_type = self.client.get_type(f"{{{NS}}}{type_name}")
        defaults = {}
        for name, element in item_type.elements:
            xsd = element.type.name
            if xsd == "int":
                defaults[name] = 0
            elif xsd == "decimal":
                defaults[name] = 0
            elif xsd == "dateTime":
                defaults[name] = UNSET_DATE
        defaults.update(values)
        return item_type(**defaults)


def auth(user_id=ADMIN["user_id"], password=ADMIN["password"], proj_id=FAMILY_ALBUM, dept_id=DEPT,
         app_code="agSPEnt", proj_ids=None):
    data = {"AppCode": app_code, "DeptId": dept_id, "ProjId": proj_id, "UserId": user_id,
            "PassCode": password}
    if proj_ids is not None:
        data["ProjIds"] = {"int": proj_ids}
    return data


def post_raw(url: str, body: str | bytes, version: str = "1.1", action: str | None = None,
             content_type: str | None = None) -> requests.Response:
    """POST a hand-written envelope; ``action`` is the operation name (None sends no action)."""
    headers = {}
    if version == "1.1":
        headers["Content-Type"] = content_type or "text/xml; charset=utf-8"
        if action is not None:
            headers["SOAPAction"] = f'"{NS}{action}"'
    else:
        ct = content_type or "application/soap+xml; charset=utf-8"
        if action is not None:
            ct += f'; action="{NS}{action}"'
        headers["Content-Type"] = ct
    data = body.encode() if isinstance(body, str) else body
    return requests.post(url, data=data, headers=headers, timeout=10)


def envelope(inner: str, version: str = "1.1") -> str:
    ns = SOAP11 if version == "1.1" else SOAP12
    return (f'<?xml version="1.0" encoding="utf-8"?>'
            f'<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="{ns}">'
            f'<soap:Body>{inner}</soap:Body></soap:Envelope>')


def auth_xml(user_id=ADMIN["user_id"], password=ADMIN["password"], proj_id=FAMILY_ALBUM, dept_id=DEPT,
             app_code="agSPEnt") -> str:
    return (f"<AuthenticationData><AppCode>{app_code}</AppCode><DeptId>{dept_id}</DeptId>"
            f"<ProjId>{proj_id}</ProjId><UserId>{user_id}</UserId><PassCode>{password}</PassCode>"
            f"</AuthenticationData>")


def fault_text(response_content: bytes) -> str:
    """The Text attribute of detail/Description, where vendor clients read the message."""
    root = etree.fromstring(response_content)
    description = root.find(".//detail/Description")
    return description.get("Text") if description is not None else None


def fault(soap: Soap, call, *args, **kwargs) -> str:
    """Make a zeep call that must fault; the detail/Description Text of the raw response."""
    with pytest.raises(zeep.exceptions.Fault):
        call(*args, **kwargs)
    return fault_text(etree.tostring(soap.last_response))


def start_serve(tmp_path, *args, env=None):
    """``qacmock serve`` in a subprocess on a free port, as a user runs it:
    (process, service URL, log path). ``env`` defaults to this process's environment."""
    log_path = tmp_path / f"serve-{uuid.uuid4().hex[:6]}.log"
    log = open(log_path, "w+")
    proc = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", *args],
                            stdout=log, stderr=subprocess.STDOUT,
                            env={**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"})
    deadline = time.time() + 20
    while time.time() < deadline:
        log.seek(0)
        for line in log.read().splitlines():
            if "serving psws.asmx at " in line:
                return proc, line.split("serving psws.asmx at ")[1].split(" ")[0], log_path
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    log.seek(0)
    raise AssertionError("qacmock serve did not start:\n" + log.read())


def stop_serve(proc):
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=10)


def json_error(response: requests.Response, status: int = 400) -> str:
    """The admin API answered ``status`` with a JSON body {"error": "..."}: the message."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return body["error"]
