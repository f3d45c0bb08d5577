"""Perl's SOAP::Lite: no build step (it reads no document/literal WSDL); the client is a script."""
import subprocess
from pathlib import Path

from ...stacks import Need, Stack

CLIENT = Path(__file__).parent / "client.pl"


def _soap_lite() -> bool:
    try:
        return subprocess.run(["perl", "-MSOAP::Lite", "-MJSON::PP", "-e1"], capture_output=True,
                              timeout=60).returncode == 0
    except OSError:
        return False


def build(work: Path, wsdl_url: str) -> list[str]:
    return ["perl", str(CLIENT)]


STACK = Stack("perl", ("1.1", "1.2"), (Need(_soap_lite, "apt-get install libsoap-lite-perl"),), build)
