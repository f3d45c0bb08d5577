"""C# on Mono, built as the vendor's samples and .NET users build it: "Add Web Reference", i.e. the
wsdl tool makes a SoapHttpClientProtocol proxy from the service URL, compiled with mcs, run by mono."""
from __future__ import annotations

from pathlib import Path

from ...stacks import ECHOED_EMPTY, Stack, both, program, run_build

HERE = Path(__file__).parent
PROTOCOLS = {"1.1": ("SOAP", "Soap11"), "1.2": ("SOAP12", "Soap12")}


def _proxy(work: Path, wsdl_url: str, version: str) -> Path:
    """The proxy of one binding, made as Visual Studio and wsdl users make it: from the bare .asmx
    URL, whose help page links the DISCO document that points to the WSDL."""
    protocol, namespace = PROTOCOLS[version]
    out = work / f"{namespace}.cs"
    run_build(["wsdl", "-nologo", f"-protocol:{protocol}", f"-namespace:{namespace}", f"-out:{out}",
               wsdl_url.split("?")[0]], work)
    return out


def build(work: Path, wsdl_url: str) -> list[str]:
    for version, (_, namespace) in PROTOCOLS.items():
        defines = ["-define:SOAP12"] if version == "1.2" else []
        run_build(["mcs", "-nologo", *defines, f"-out:client-{namespace}.exe",
                   "-r:System.Web.Services.dll", "-r:System.Xml.dll",
                   str(_proxy(work, wsdl_url, version)), str(HERE / "Program.cs")], work)
    # One executable per binding (wsdl makes one proxy per binding); the config's version picks it.
    launcher = work / "client.sh"
    launcher.write_text('#!/bin/sh\n'
                        'version=$(sed -n "s/^version=//p" "$1" | tr -d .)\n'
                        'exec mono "$(dirname "$0")/client-Soap$version.exe" "$1"\n')
    return ["sh", str(launcher)]


STACK = Stack("csharp", ("1.1", "1.2"),
              (program("mcs", "apt-get install mono-devel"), program("wsdl", "apt-get install mono-devel")),
              build, findings=both(ECHOED_EMPTY))
