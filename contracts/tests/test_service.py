"""The service description and the operations that need no authentication."""
from __future__ import annotations

import pytest

NS = "http://www.pragmaticsw.com/"


def test_wsdl_names_the_service_ports_and_bindings(qac):
    """[INFERRED .asmx] The WSDL describes service Service with ports ServiceSoap and
    ServiceSoap12 in the namespace http://www.pragmaticsw.com/."""
    service = qac.client.wsdl.services["Service"]
    assert set(service.ports) == {"ServiceSoap", "ServiceSoap12"}
    binding = service.ports["ServiceSoap"].binding
    assert binding.name.namespace == NS and binding.name.localname == "ServiceSoap"


@pytest.mark.parametrize("operation", ["GetVersion", "GetLoginInfo", "Bugs_Add", "Bugs_Load",
                                       "Bugs_LoadByCriteria", "Bugs_Update", "Bugs_Delete"])
def test_wsdl_soap_actions_follow_the_namespace(qac, operation):
    """[DOC] SOAPAction is the namespace followed by the operation name."""
    port = qac.client.wsdl.services["Service"].ports["ServiceSoap"]
    assert port.binding.get(operation).soapaction == NS + operation


def test_get_version_needs_no_authentication(qac):
    """[DOC] GetVersion returns the version string, e.g. 14.6.0.0, without AuthenticationData."""
    version = qac.service.GetVersion()
    assert version.count(".") == 3 and all(part.isdigit() for part in version.split("."))


def test_get_login_info_returns_the_account(qac):
    """[DOC] GetLoginInfo(AppCode, Email, Password) returns UserId, AppCode, ProjId, DeptId and
    the user's projects."""
    info = qac.service.GetLoginInfo(qac.settings.app_code, qac.settings.email, qac.settings.password)
    assert info.UserId == qac.account.user_id
    assert info.Projects and any(p.ProjId == qac.account.proj_id for p in info.Projects.Project)
