"""The control plane: what tests and CI drive the mock with, beside the SOAP service."""
