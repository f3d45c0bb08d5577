"""The spyne Service: one @rpc per registry operation, each a thin call into the domain."""
from __future__ import annotations

import math

from spyne import Application, ServiceBase, rpc
from spyne import const as spyne_const

from ..domain.errors import QacError
from ..domain.service import QacService
from ..registry import REGISTRY, NS, Operation, Xsd
from .convert import date_in, item_in, plain_in
from .faults import FaultSpec, SoapFault, internal_fault
from .models import model_for
from .protocol import AsmxSoap11, AsmxSoap12
from .render import rendered


def _returning(op: Operation, value):
    if value is None or op.returns is None:
        return None
    return rendered(op, value) or value


# One handler per kind of operation: (service, operation, its arguments by element name, the
# authenticated caller or None) -> result. A new kind is one function here plus its
# declaration in the registry.
def _get_version(qac, op, args, caller):
    return qac.version()


def _get_login_info(qac, op, args, caller):
    return qac.login_info(args["AppCode"], args["Email"], args["Password"], args.get("EntityCode"))


def _get_statuses(qac, op, args, caller):
    return qac.statuses(caller)


def _add(qac, op, args, caller):
    entity = REGISTRY.entity(op.entity)
    options = {name: args.get(name) for role, name in op.roles.items() if role.startswith("option:")}
    return qac.add(caller, entity, item_in(entity, op.arg(args, "item")), op.arg(args, "alert"),
                   op.arg(args, "notes"), right=op.owner_right, options=options)


def _load(qac, op, args, caller):
    return qac.load(caller, REGISTRY.entity(op.entity), op.arg(args, "id"), right=op.owner_right)


def _load_by_criteria(qac, op, args, caller):
    return qac.load_by_criteria(caller, REGISTRY.entity(op.entity), op.arg(args, "condition"),
                                op.arg(args, "sorting"), op.arg(args, "page_size"),
                                op.arg(args, "page_number"))


def _update(qac, op, args, caller):
    entity = REGISTRY.entity(op.entity)
    item = item_in(entity, op.arg(args, "item"))
    qac.update(caller, entity, item, op.arg(args, "alert"), right=op.owner_right)
    # Notes_Update returns the updated note [DOC].
    return qac.load(caller, entity, item[entity.id_field], right=op.owner_right) if op.returns else None


def _delete(qac, op, args, caller):
    return qac.delete(caller, REGISTRY.entity(op.entity), op.arg(args, "id"), right=op.owner_right)


def _list_by_owner(qac, op, args, caller):
    return qac.list_by_owner(caller, REGISTRY.entity(op.entity), op.arg(args, "entity_code"),
                             op.arg(args, "owner_id"), op.owner_right)


def _load_owned(qac, op, args, caller):
    return qac.load_owned(caller, REGISTRY.entity(op.entity), op.arg(args, "entity_code"), op.arg(args, "id"),
                          op.owner_right)


def _delete_owned(qac, op, args, caller):
    qac.delete_owned(caller, REGISTRY.entity(op.entity), op.arg(args, "entity_code"), op.arg(args, "id"),
                     op.owner_right)


def _add_file(qac, op, args, caller):
    entity = REGISTRY.entity(op.entity)
    chunks = op.arg(args, "file") or ()      # spyne reads base64Binary as a sequence of byte strings
    return qac.add_attachment(caller, item_in(entity, op.arg(args, "item")), b"".join(chunks),
                              bool(op.arg(args, "replace")), op.owner_right)


def _get_file(qac, op, args, caller):
    return [qac.get_file(caller, op.arg(args, "id"), op.owner_right)]


def _delete_link(qac, op, args, caller):
    entity = REGISTRY.entity(op.entity)
    link = op.arg(args, "id")
    qac.delete_link(caller, item_in(entity, link) if link is not None else None, op.owner_right)


def _load_elevated(qac, op, args, caller):
    return qac.audits(caller, op.arg(args, "entity_code"), op.arg(args, "where"), op.arg(args, "order_by"),
                      op.owner_right)


def _user_add(qac, op, args, caller):
    return qac.add_user(caller, plain_in(REGISTRY.complex_type("User"), op.arg(args, "item")))


def _user_id_by_email(qac, op, args, caller):
    return qac.user_id_by_email(caller, op.arg(args, "email"))


def _user_email_by_id(qac, op, args, caller):
    return qac.user_email_by_id(caller, op.arg(args, "id"))


def _users_of_project(qac, op, args, caller):
    return qac.users_of_project(caller)


def _server_properties(qac, op, args, caller):
    return qac.server_properties(caller)


def _send_email(qac, op, args, caller):
    qac.send_email(caller, *(op.arg(args, role) for role in ("from", "to", "cc", "subject", "body")))


def _add_log(qac, op, args, caller):
    type_name = op.params[1].type
    qac.add_log(caller, type_name, item_in(REGISTRY.complex_type(type_name), op.arg(args, "item")) or {})


def _is_restricted(qac, op, args, caller):
    return qac.is_restricted(caller, op.roles["list"], op.arg(args, "name"))


def _entity_metadata(qac, op, args, caller):
    return qac.entity_metadata(caller, op.arg(args, "entity_code"))


def _custom_field_add(qac, op, args, caller):
    field = item_in(REGISTRY.complex_type("CustomField"), op.arg(args, "item"))
    values = op.arg(args, "values") if "values" in op.roles else None
    return qac.add_custom_field(caller, field, "" if "values" in op.roles and values is None else values)


def _custom_fields_load(qac, op, args, caller):
    return qac.custom_fields(caller, op.arg(args, "entity_code"))


def _custom_field_delete(qac, op, args, caller):
    qac.delete_custom_field(caller, op.arg(args, "entity_code"), op.arg(args, "number"))


def _lookups_load(qac, op, args, caller):
    return qac.lookups(caller, op.arg(args, "entity_code"), op.owner_right)


def _lookups_update(qac, op, args, caller):
    lookup = plain_in(REGISTRY.complex_type("LookUp"), op.arg(args, "item"))
    qac.update_lookup(caller, op.arg(args, "entity_code"), lookup, op.owner_right)


def _load_by_field(qac, op, args, caller):
    # The parameter names the field, unless the operation says otherwise (HostName).
    field = op.roles.get("field", op.roles["value"])
    return qac.find_by(caller, REGISTRY.entity(op.entity), field, op.arg(args, "value"))


def _list_plans(qac, op, args, caller):
    return qac.plans(caller, bool(op.arg(args, "include_inactive")))


def _export_plan(qac, op, args, caller):
    return qac.export_plan(caller, op.arg(args, "id"))


def _import_plan(qac, op, args, caller):
    entity = REGISTRY.entity(op.entity)
    plan = item_in(entity, op.arg(args, "item"))
    task_type = REGISTRY.complex_type("PPTask")
    plan["Tasks"] = [item_in(task_type, task) for task in plan.get("Tasks") or () if task is not None]
    return qac.import_plan(caller, plan)


def _schedules_in_span(qac, op, args, caller):
    found = qac.schedules_in_span(caller, op.arg(args, "type"), op.arg(args, "host"),
                                  date_in(op.arg(args, "start")), date_in(op.arg(args, "end")))
    if op.returns == Xsd.BOOLEAN.value:
        return bool(found)
    return found or None


HANDLERS = {
    "get_version": _get_version,
    "get_login_info": _get_login_info,
    "get_statuses": _get_statuses,
    "add": _add,
    "load": _load,
    "load_by_criteria": _load_by_criteria,
    "update": _update,
    "delete": _delete,
    "list_by_owner": _list_by_owner,
    "load_owned": _load_owned,
    "delete_owned": _delete_owned,
    "add_file": _add_file,
    "get_file": _get_file,
    "delete_link": _delete_link,
    "load_elevated": _load_elevated,
    "user_add": _user_add,
    "user_id_by_email": _user_id_by_email,
    "user_email_by_id": _user_email_by_id,
    "users_of_project": _users_of_project,
    "server_properties": _server_properties,
    "send_email": _send_email,
    "add_log": _add_log,
    "is_restricted": _is_restricted,
    "entity_metadata": _entity_metadata,
    "custom_field_add": _custom_field_add,
    "custom_fields_load": _custom_fields_load,
    "custom_field_delete": _custom_field_delete,
    "lookups_load": _lookups_load,
    "lookups_update": _lookups_update,
    "load_by_field": _load_by_field,
    "list_plans": _list_plans,
    "export_plan": _export_plan,
    "import_plan": _import_plan,
    "schedules_in_span": _schedules_in_span,
}


def _run(qac: QacService, op: Operation, args: dict):
    with qac.one_call():
        caller = None
        if op.authenticated:
            auth = plain_in(REGISTRY.complex_type("AuthenticationData"), args["AuthenticationData"])
            caller = qac.authenticate(auth, op)
        return HANDLERS[op.kind](qac, op, args, caller)


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


def check_handlers():
    """Every kind of operation the registry declares has its handler: checked at start-up."""
    missing = sorted({op.kind for op in REGISTRY.operations} - set(HANDLERS))
    if missing:
        raise LookupError(f"no handler for the operation kinds {', '.join(missing)}")


def build_service(qac: QacService) -> type:
    check_handlers()
    methods = {}
    for op in REGISTRY.operations:
        kwargs = {"_args": tuple(p.name for p in op.params), "_operation_name": op.name}
        if op.returns:
            kwargs["_returns"] = model_for(op.returns)
        methods[op.name] = rpc(*[model_for(p.type) for p in op.params], **kwargs)(_handler(qac, op))
    return type("Service", (ServiceBase,), methods)


def build_applications(qac: QacService) -> dict[str, Application]:
    # spyne closes each call's context with a full gc.collect() at most once a second, "to have
    # file descriptors returned in a timely manner"; the mock holds none in a context, and the
    # collection took ~40 ms of the GIL on the default data, a stall for every call in flight.
    spyne_const.MIN_GC_INTERVAL = math.inf
    service = build_service(qac)
    return {
        "1.1": Application([service], tns=NS, name="Service",
                           in_protocol=AsmxSoap11(), out_protocol=AsmxSoap11()),
        "1.2": Application([service], tns=NS, name="Service",
                           in_protocol=AsmxSoap12(), out_protocol=AsmxSoap12()),
    }
