"""The endpoint under test: its WSDL, the account's IDs, and the items a run creates.

Nothing here knows qacmock: IDs come from GetLoginInfo, operations from the WSDL the
target serves, and every item a test creates is tagged with the run's tag and deleted at
the end of the session.
"""
from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlparse

import requests
import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport

from .items import build_item
from .recording import Recorder

LOCAL_NAMES = ("localhost", "localhost.localdomain")

# The kit's options, shared by the pytest plugin (--qac-<name>) and `qacmock contracts run`
# (--<name>): name, environment variable, default, help.
OPTIONS = [
    ("url", "QAC_URL", None, "the psws.asmx endpoint, e.g. https://host/psws/psws.asmx"),
    ("email", "QAC_EMAIL", None, "email of a user with every right in the project"),
    ("password", "QAC_PASSWORD", None, "that user's password (prefer the variable: arguments show in ps)"),
    ("appcode", "QAC_APPCODE", None, "the AppCode"),
    ("project", "QAC_PROJECT", None, "project id or name (default: the user's last project)"),
    ("soap", "QAC_SOAP", "1.1", "SOAP version: 1.1 or 1.2"),
    ("second-email", "QAC_SECOND_EMAIL", None, "a second user with no rights in the project (optional)"),
    ("second-password", "QAC_SECOND_PASSWORD", None, "the second user's password"),
    ("record", "QAC_RECORD", None, "folder to write request/response transcripts to"),
]
REQUIRED = ("url", "email", "password", "appcode")


@dataclass
class Settings:
    url: str
    email: str
    password: str
    app_code: str
    project: str | None = None
    soap: str = "1.1"
    allow_writes: bool = False
    second_email: str | None = None
    second_password: str | None = None
    record: str | None = None

    @property
    def is_local(self) -> bool:
        host = urlparse(self.url).hostname or ""
        if host in LOCAL_NAMES or host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def writes_allowed(self) -> bool:
        return self.allow_writes or self.is_local


@dataclass
class Created:
    prefix: str          # Bugs, Releases...
    id_param: str        # element name of the id on Delete
    item_id: int
    proj_id: int


@dataclass
class Account:
    """What GetLoginInfo says about a user, and the project the suite works in."""

    user_id: int
    dept_id: int
    proj_id: int
    projects: list = field(default_factory=list)    # (ProjId, ProjName, DeptId)

    def dept_of(self, proj_id: int) -> int:
        for pid, _, dept in self.projects:
            if pid == proj_id:
                return dept
        return self.dept_id


class Target:
    def __init__(self, settings: Settings, recorder: Recorder | None = None):
        self.settings = settings
        self.tag = f"qacc{uuid.uuid4().hex[:10]}"
        self.recorder = recorder
        # The raw last response: zeep finds no <detail> in a SOAP 1.2 fault of the vendor's
        # shape, and the cleanup needs its text.
        self.history = HistoryPlugin()
        plugins = [self.history] + ([recorder.plugin] if recorder else [])
        self.client = zeep.Client(self.wsdl_url, plugins=plugins, transport=Transport(timeout=30))
        port = "ServiceSoap12" if settings.soap == "1.2" else "ServiceSoap"
        self.service = self.client.bind("Service", port)
        self.created: list[Created] = []
        self.leftovers: list[tuple[Created, str]] = []
        self.kept: list[tuple[Created, str]] = []
        self.account = self.login(settings.email, settings.password, settings.project)

    @property
    def wsdl_url(self) -> str:
        return self.settings.url + "?WSDL"

    def login(self, email: str, password: str, project: str | None = None) -> Account:
        info = self.service.GetLoginInfo(self.settings.app_code, email, password)
        projects = [(p.ProjId, p.ProjName, p.DeptId) for p in (info.Projects.Project if info.Projects else [])]
        proj_id = info.ProjId
        if project:
            matches = [p for p in projects if str(p[0]) == project or p[1].lower() == project.lower()]
            if not matches:
                raise RuntimeError(f"{email} is not a member of project {project}; "
                                   f"their projects: {', '.join(p[1] for p in projects)}")
            proj_id = matches[0][0]
        return Account(info.UserId, info.DeptId, proj_id, projects)

    def auth(self, account: Account | None = None, password: str | None = None, proj_id: int | None = None,
             proj_ids: list[int] | None = None, **override) -> dict:
        account = account or self.account
        proj_id = proj_id or account.proj_id
        data = {"AppCode": self.settings.app_code, "DeptId": account.dept_of(proj_id),
                "ProjId": proj_id, "UserId": account.user_id,
                "PassCode": password or self.settings.password}
        if proj_ids is not None:
            data["ProjIds"] = {"int": proj_ids}
        data.update(override)
        return data

    def other_project(self) -> int | None:
        """A second project of the account, for ProjIds tests."""
        others = [p[0] for p in self.account.projects if p[0] != self.account.proj_id]
        return others[0] if others else None

    def op(self, name: str):
        return getattr(self.service, name)

    def post(self, operation: str, body: bytes, headers: dict) -> requests.Response:
        """POST a hand-written envelope; recorded in the transcripts like zeep's calls."""
        if self.recorder:
            self.recorder.write_raw("request", operation, body)
        response = requests.post(self.settings.url, data=body, headers=headers, timeout=30)
        if self.recorder:
            self.recorder.write_raw("response", operation, response.content)
        return response

    def build(self, type_name: str, unset: str = "defaults", **values):
        return build_item(self.client, type_name, unset, **values)

    def title(self, text: str = "") -> str:
        return f"{self.tag} {text}".strip()

    # -- what the run creates --------------------------------------------------------
    def track(self, prefix: str, id_param: str, item_id: int, proj_id: int | None = None):
        self.created.append(Created(prefix, id_param, item_id, proj_id or self.account.proj_id))
        return item_id

    def keep(self, prefix: str, item_id: int, why: str):
        """An item the run creates and cannot delete (a test run: SOAP has no TestRuns_Delete)."""
        self.kept.append((Created(prefix, "", item_id, self.account.proj_id), why))
        return item_id

    def forget(self, prefix: str, item_id: int):
        self.created = [c for c in self.created if not (c.prefix == prefix and c.item_id == item_id)]

    def clean_up(self):
        """Delete everything the run created, newest first; what cannot be deleted is kept
        in ``leftovers`` with the reason."""
        for created in reversed(self.created):
            try:
                self.op(f"{created.prefix}_Delete")(
                    AuthenticationData=self.auth(proj_id=created.proj_id), **{created.id_param: created.item_id})
            except zeep.exceptions.Fault as fault:
                if not _not_found(fault, self.history.last_received):
                    self.leftovers.append((created, str(fault.message)))
            except Exception as error:      # the run must report, not crash, at teardown
                self.leftovers.append((created, repr(error)))
        self.created = []


def _not_found(fault, last_received) -> bool:
    """Deleted already, e.g. by a cascade from its parent."""
    envelope = (last_received or {}).get("envelope")
    raw = etree.tostring(envelope, encoding=str) if envelope is not None else ""
    detail = etree.tostring(fault.detail, encoding=str) if fault.detail is not None else ""
    text = f"{fault.message} {fault.actor} {detail} {raw}"
    return "notfound" in text.lower().replace(" ", "") or "does not exist" in text.lower()
