"""The spyne Service: one @rpc per registry operation, each a thin call into the domain."""
from __future__ import annotations

from spyne import Application, ServiceBase, rpc

from ..domain.errors import QacError
from ..domain.service import QacService
from ..registry import REGISTRY, NS, Operation
from .convert import item_in, plain_in
from .faults import FaultSpec, SoapFault, internal_fault
from .models import model_for
from .protocol import AsmxSoap11, AsmxSoap12
from .render import rendered


def _returning(op: Operation, value):
    if value is None or op.returns is None:
        return None
    return rendered(op, value) or value


def _run(qac: QacService, op: Operation, args: dict):
    kind = op.kind
    if kind == "get_version":
        return qac.version()
    if kind in ("get_login_info", "get_login_info_by_entity"):
        return qac.login_info(args["AppCode"], args["Email"], args["Password"], args.get("EntityCode"))
    auth = plain_in(REGISTRY.complex_type("AuthenticationData"), args["AuthenticationData"])
    caller = qac.authenticate(auth, op)
    if kind == "get_statuses":
        return qac.statuses(caller)
    entity = REGISTRY.entity(op.entity)
    p = op.params
    if kind == "add":
        alert = args.get(entity.alert_param_add) if entity.alert_param_add else None
        return qac.add(caller, entity, item_in(entity, args[p[1].name]), alert, args.get("NewNotes"))
    if kind == "load":
        return qac.load(caller, entity, args[p[1].name])
    if kind == "load_by_criteria":
        return qac.load_by_criteria(caller, entity, args["Condition"], args["Sorting"],
                                    args["PageSize"], args["PageNumber"])
    if kind == "update":
        alert = args.get(entity.alert_param_update) if entity.alert_param_update else None
        return qac.update(caller, entity, item_in(entity, args[p[1].name]), alert)
    if kind == "delete":
        return qac.delete(caller, entity, args[p[1].name])
    raise NotImplementedError(op.kind)


def _handler(qac: QacService, op: Operation):
    names = [p.name for p in op.params]

    def handle(ctx, *values):
        try:
            return _returning(op, _run(qac, op, dict(zip(names, values))))
        except QacError as error:
            raise SoapFault(FaultSpec.from_error(error)) from None
        except Exception as exc:   # never a traceback on the wire
            raise SoapFault(internal_fault(exc)) from None

    handle.__name__ = op.name
    return handle


def build_service(qac: QacService) -> type:
    methods = {}
    for op in REGISTRY.operations:
        kwargs = {"_args": tuple(p.name for p in op.params), "_operation_name": op.name}
        if op.returns:
            kwargs["_returns"] = model_for(op.returns)
        methods[op.name] = rpc(*[model_for(p.type) for p in op.params], **kwargs)(_handler(qac, op))
    return type("Service", (ServiceBase,), methods)


def build_applications(qac: QacService) -> dict[str, Application]:
    service = build_service(qac)
    return {
        "1.1": Application([service], tns=NS, name="Service",
                           in_protocol=AsmxSoap11(), out_protocol=AsmxSoap11()),
        "1.2": Application([service], tns=NS, name="Service",
                           in_protocol=AsmxSoap12(), out_protocol=AsmxSoap12()),
    }
