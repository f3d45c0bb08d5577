"""PHP's SoapClient (ext/soap) in WSDL mode: nothing to build, the client reads the served WSDL."""
import subprocess
from pathlib import Path

from ...stacks import ECHOED_EMPTY, Need, Stack, both, program

CLIENT = Path(__file__).parent / "client.php"
INSTALL = "apt-get install php-cli php-soap"


def _soap_loaded() -> bool:
    try:
        done = subprocess.run(["php", "-r", "exit(extension_loaded('soap') ? 0 : 1);"],
                              capture_output=True, timeout=60)
    except OSError:
        return False
    return done.returncode == 0


def build(work: Path, wsdl_url: str) -> list[str]:
    return ["php", str(CLIENT)]


STACK = Stack("php", ("1.1", "1.2"), (program("php", INSTALL), Need(_soap_loaded, INSTALL)), build,
              findings=both(ECHOED_EMPTY))
