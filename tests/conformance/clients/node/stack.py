"""node-soap (npm `soap`): installed beside the client from package-lock.json; the client builds
itself from the served WSDL at run time, so there is nothing to build."""
import shutil
from pathlib import Path

from ...stacks import ECHOED_EMPTY, Need, Stack, both

HERE = Path(__file__).parent
CLIENT = HERE / "client.js"

# node-soap turns every xsd:dateTime it reads into a JavaScript Date, and writes a Date back as an
# empty element (objectToXML walks it as an object with no keys): a loaded item sent back as it
# came has <DateCreated></DateCreated> etc., which XmlSerializer cannot read as a DateTime.
DATES_LOST = ("node-soap deserializes xsd:dateTime members to Date objects and serializes a Date as "
              "an empty element, so the loaded item goes back with empty dateTime members "
              "(<DateCreated></DateCreated>) that .NET cannot read")
ROUND_TRIPS = ("round_trip_bug", "round_trip_release", "round_trip_spec", "round_trip_task")
# The same in ci_reporter, for its TestRunItems.
RUN_ITEM_DATES_LOST = ("node-soap serializes the Date objects it read as empty elements, so the loaded "
                       "TestRunItem goes back with <DateStarted></DateStarted> and "
                       "<DateFinished></DateFinished>, which .NET cannot read (the TestRunResults, with "
                       "no dateTime member, are recorded)")


def build(work: Path, wsdl_url: str) -> list[str]:
    return ["node", str(CLIENT)]


STACK = Stack(
    "node", ("1.1", "1.2"),
    (Need(lambda: shutil.which("node") is not None and (HERE / "node_modules" / "soap").is_dir(),
          "npm ci --prefix tests/conformance/clients/node"),),
    build,
    {**{(version, step): DATES_LOST for version in ("1.1", "1.2") for step in ROUND_TRIPS},
     **{(version, "ci_reporter"): RUN_ITEM_DATES_LOST for version in ("1.1", "1.2")}},
    both({"empty-value-element": "node-soap sends a loaded item's dates back as empty elements, which the "
                                 "service refuses (the round-trip limitation above)",
          "missing-value-member": "an Add built from an object literal sends only the members set",
          **ECHOED_EMPTY}))
