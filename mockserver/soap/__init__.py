"""The SOAP surface: spyne service, WSDL, faults and the WSGI front."""
from .. import spyne_compat  # noqa: F401  (before any spyne import: Python 3.12+, -W error)
