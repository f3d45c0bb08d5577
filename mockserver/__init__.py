"""qacmock: a wire-compatible mock of SmartBear QAComplete's SOAP service (psws.asmx)."""

__version__ = "0.1.0"

# What GetVersion answers; the vendor documents the format "9.8.120.0".
QACOMPLETE_VERSION = "14.6.0.0"
