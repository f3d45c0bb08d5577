"""Errors the service reports to clients as SOAP faults.

``kind`` becomes the fault actor ``psWS.<kind>Exception``. Only AuthenticationException
is documented by the vendor; the other kinds are the mock's reconstruction.
"""

AUTHENTICATION_FAILED = "Authentication data is not valid. Please retry ..."


class QacError(Exception):
    kind = "Validation"
    client = True   # soap:Client / soap:Sender; False means soap:Server / soap:Receiver

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    @property
    def actor(self) -> str:
        return f"psWS.{self.kind}Exception"


class AuthenticationError(QacError):
    kind = "Authentication"

    def __init__(self, text: str = AUTHENTICATION_FAILED):
        super().__init__(text)


class AccessDeniedError(QacError):
    kind = "Security"


class NotFoundError(QacError):
    kind = "NotFound"


class ValidationError(QacError):
    kind = "Validation"


class RequestError(QacError):
    """The request itself is unusable: not XML, not SOAP, unknown operation..."""
    kind = "Request"


class InternalError(QacError):
    kind = "Internal"
    client = False


def brief(text, limit: int = 60) -> str:
    """A client's value as a fault quotes it: whole when short, cut with an ellipsis when not
    (a fault must name the value at fault, not echo a megabyte of it)."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"
