"""Perl's SOAP::Lite: no build step (it reads no document/literal WSDL); the client is a script."""
import subprocess
from pathlib import Path

from ...stacks import ECHOED_EMPTY, Need, Stack

CLIENT = Path(__file__).parent / "client.pl"


def _soap_lite() -> bool:
    try:
        return subprocess.run(["perl", "-MSOAP::Lite", "-MJSON::PP", "-e1"], capture_output=True,
                              timeout=60).returncode == 0
    except OSError:
        return False


def build(work: Path, wsdl_url: str) -> list[str]:
    return ["perl", str(CLIENT)]


_SOAP_LITE = {
    "xsi-type-noise": "SOAP::Lite types each value by its look: xsd:int for a decimal's 0, xsd:string for a date",
    "missing-value-member": "an Add built from a hash sends only the members set",
    **ECHOED_EMPTY,
}
STACK = Stack("perl", ("1.1", "1.2"), (Need(_soap_lite, "apt-get install libsoap-lite-perl"),), build,
              findings={"1.1": {**_SOAP_LITE, "soapaction-unquoted": "SOAP::Lite sends SOAPAction without quotes "
                                                                      "(on_action joins namespace and name)"},
                        "1.2": {**_SOAP_LITE, "action-missing": "SOAP::Lite's SOAP 1.2 Content-Type has no "
                                                                "action parameter"}})
