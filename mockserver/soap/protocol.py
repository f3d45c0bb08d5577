"""spyne protocols adjusted to write what an .asmx server writes."""
from spyne import DateTime
from spyne.protocol.soap import Soap11, Soap12

from .envelope import to_bytes, wrap_response
from .faults import SoapFault, fault_envelope, internal_fault
from .render import RenderedItems, wire_date

PARSED_ENVELOPE = "qacmock.envelope"
FAULT_SPEC = "qacmock.fault"        # the fault a call answered with, for the journal
RENDERED = "qacmock.rendered"       # a response written by soap/render.py, as bytes


def format_date(cls, value) -> str:
    return wire_date(value)


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
            self._fault(ctx, error.spec if isinstance(error, SoapFault) else internal_fault(error))
            return
        result = ctx.out_object[0] if ctx.out_object else None
        if isinstance(result, RenderedItems):
            try:
                ctx.transport.req_env[RENDERED] = result.to_bytes(self.version)
            except ValueError as error:        # data XML cannot carry: the client gets a fault
                self._fault(ctx, internal_fault(error))
            return
        super().serialize(ctx, message)
        ctx.out_document = wrap_response(self.version, ctx.out_body_doc[0])

    def _fault(self, ctx, spec):
        ctx.transport.req_env[FAULT_SPEC] = spec
        ctx.out_document = fault_envelope(self.version, spec)

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
