NS = "http://www.pragmaticsw.com/"
SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

# LoadByCriteria limits [DOC]: PageSize 1-200, Condition up to 65536, Sorting up to 512 characters.
MAX_PAGE_SIZE = 200
MAX_CONDITION_LENGTH = 65536
MAX_SORTING_LENGTH = 512
# How deeply <Conditions> may nest: far beyond any real query, well within SQLite's limits.
MAX_CONDITION_DEPTH = 32
