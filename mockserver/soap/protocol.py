"""spyne protocols adjusted to write what an .asmx server writes."""
from spyne import DateTime
from spyne.protocol.soap import Soap11, Soap12

from .envelope import to_bytes, wrap_response
from .faults import SoapFault, fault_envelope, internal_fault
from .render import RenderedItems

PARSED_ENVELOPE = "qacmock.envelope"
FAULT_SPEC = "qacmock.fault"
RENDERED = "qacmock.rendered"       # a response written by soap/render.py, as bytes        # the fault a call answered with, for the journal


def format_date(cls, value) -> str:
    # [DOC] YYYY-MM-DDTHH:MM:SS[.sss], server local time, no offset; .NET trims trailing zeros.
    text = value.strftime("%Y-%m-%dT%H:%M:%S") if value.year >= 1000 else (
        "%04d-%02d-%02dT%02d:%02d:%02d" % (value.year, value.month, value.day,
                                           value.hour, value.minute, value.second))
    millis = value.microsecond // 1000
    if millis:
        text += (".%03d" % millis).rstrip("0")
    return text


class _AsmxMixin:
    version = "1.1"

    def _asmx_setup(self):
        self._to_unicode_handlers[DateTime] = format_date

    def create_in_document(self, ctx, charset=None):
        # The WSGI front has already parsed (and vetted) the envelope; parse once.
        parsed = ctx.transport.req_env.get(PARSED_ENVELOPE)
        if parsed is None:
            return super().create_in_document(ctx, charset)
        ctx.in_document = (parsed, {})

    def serialize(self, ctx, message):
        if ctx.out_error is not None:
            error = ctx.out_error
            spec = error.spec if isinstance(error, SoapFault) else internal_fault(error)
            ctx.transport.req_env[FAULT_SPEC] = spec
            ctx.out_document = fault_envelope(self.version, spec)
            return
        result = ctx.out_object[0] if ctx.out_object else None
        if isinstance(result, RenderedItems):
            try:
                ctx.transport.req_env[RENDERED] = result.to_bytes(self.version)
            except ValueError as error:        # data XML cannot carry: the client gets a fault
                spec = internal_fault(error)
                ctx.transport.req_env[FAULT_SPEC] = spec
                ctx.out_document = fault_envelope(self.version, spec)
            return
        super().serialize(ctx, message)
        ctx.out_document = wrap_response(self.version, ctx.out_body_doc[0])

    def create_out_string(self, ctx, charset=None):
        rendered = ctx.transport.req_env.pop(RENDERED, None)
        ctx.out_string = [rendered if rendered is not None else to_bytes(ctx.out_document)]


class AsmxSoap11(_AsmxMixin, Soap11):
    version = "1.1"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._asmx_setup()


class AsmxSoap12(_AsmxMixin, Soap12):
    version = "1.2"
    mime_type = "application/soap+xml; charset=utf-8"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._asmx_setup()
