"""gSOAP (C++): a proxy class generated from the served WSDL with wsdl2h and soapcpp2, and
client.cpp compiled against it, as gSOAP's own documentation builds a client."""
from __future__ import annotations

import shutil
from pathlib import Path

from ...stacks import ECHOED_EMPTY, Stack, both, program, run_build

HERE = Path(__file__).parent
IMPORT_DIR = "/usr/share/gsoap/import"       # stlvector.h, soap12.h, ... (Debian's gsoap)
INSTALL = "apt-get install gsoap libgsoap-dev g++"


def build(work: Path, wsdl_url: str) -> list[str]:
    shutil.copy(HERE / "client.cpp", work / "client.cpp")
    run_build(["wsdl2h", "-o", "qac.h", wsdl_url], work)
    # -j: proxy classes sharing a soap context; -C: client side only.
    run_build(["soapcpp2", "-j", "-C", "-x", f"-I{IMPORT_DIR}", "qac.h"], work)
    run_build(["g++", "-O0", "-o", "client", "client.cpp", "soapC.cpp", "soapServiceSoapProxy.cpp",
               "-lgsoap++"], work)
    return [str(work / "client")]


STACK = Stack("gsoap", ("1.1", "1.2"),
              (program("soapcpp2", INSTALL), program("wsdl2h", INSTALL), program("g++", INSTALL)),
              build, findings=both({
                  "date-with-offset": "gSOAP writes every dateTime in UTC with a Z (time_t), unset ones as "
                                      "1970-01-01T00:00:00Z", **ECHOED_EMPTY}))
