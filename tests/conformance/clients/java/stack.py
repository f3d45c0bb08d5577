"""Java with the JAX-WS RI, built as its users build it: wsimport generates the port classes from the
served WSDL, compiled with the client by javac and run against the jaxws runtime jars."""
from __future__ import annotations

from pathlib import Path

from ...stacks import ECHOED_EMPTY, Need, Stack, both, program, run_build

HERE = Path(__file__).parent
# Debian's jaxws-rt.jar names the rest of the runtime (jaxb, saaj, stax…) in its manifest's Class-Path.
JAXWS_RT = Path("/usr/share/java/jaxws-rt.jar")


def build(work: Path, wsdl_url: str) -> list[str]:
    src, classes = work / "src", work / "classes"
    src.mkdir()
    classes.mkdir()
    # -extension: wsimport skips the SOAP 1.2 port of a WSDL without it ("non-standard SOAP 1.2
    # binding"). -Xnocompile, as build plugins do: one javac run compiles the generated code and the
    # client together.
    run_build(["wsimport", "-quiet", "-extension", "-Xnocompile", "-keep", "-s", str(src), "-d", str(classes),
               "-p", "psws", wsdl_url], work)
    run_build(["javac", "-nowarn", "-encoding", "UTF-8", "-cp", str(JAXWS_RT), "-d", str(classes),
               *map(str, sorted((src / "psws").glob("*.java"))), str(HERE / "Client.java")], work)
    return ["java", "-cp", f"{classes}:{JAXWS_RT}", "Client"]


# JAX-WS reads a SOAP 1.2 fault's detail only from env:Detail (com.sun.xml.ws.fault.SOAP12Fault
# binds {http://www.w3.org/2003/05/soap-envelope}Detail); the service's unqualified <detail>, as in
# the vendor's samples, is dropped, and SOAPFaultException.getFault().getDetail() is null.
_NO_SOAP12_DETAIL = ("JAX-WS RI drops the unqualified <detail> of a SOAP 1.2 fault (it binds only "
                     "soap12:Detail): getFault().getDetail() is null, so Description/@Text is out of reach")

STACK = Stack("java", ("1.1", "1.2"),
              (program("wsimport", "apt-get install jaxws default-jdk-headless"),
               program("javac", "apt-get install default-jdk-headless"),
               Need(JAXWS_RT.exists, "apt-get install libjaxws-java")),
              build,
              {("1.2", step): _NO_SOAP12_DETAIL for step in ("release_cascade", "wrong_passcode", "delete_bug")},
              both({"missing-value-member": "wsimport's classes hold value members as Integer, BigDecimal and "
                                            "XMLGregorianCalendar: the ones an Add leaves null are left out",
                    **ECHOED_EMPTY}))
