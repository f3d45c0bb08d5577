"""The SOAP surface: spyne service, WSDL, faults and the WSGI front."""
