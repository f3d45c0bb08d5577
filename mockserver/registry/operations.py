"""Operations derived from the item types, plus the helper operations."""
from .constants import MAX_CONDITION_LENGTH, MAX_SORTING_LENGTH
from .model import Area, Entity, Operation, Param, Right, RightCheck, Xsd

AUTH = Param("AuthenticationData", "AuthenticationData", required=True)


def _rights(entity: Entity, right: Right) -> tuple[RightCheck, ...]:
    return (RightCheck(entity.area, right),) + entity.extra_rights


def item_operations(entity: Entity) -> list[Operation]:
    """The standard Add/Load/LoadByCriteria/Update/Delete set of one item type."""
    ops = []
    name = entity.prefix + "_"
    if "add" in entity.operations:
        params = [AUTH, Param(entity.item_param["add"], entity.type_name, required=True)]
        if entity.alert_param_add:
            params.append(Param(entity.alert_param_add, Xsd.STRING.value))
        if entity.new_notes:
            params.append(Param("NewNotes", Xsd.STRING.value))
        ops.append(Operation(name + "Add", "add", tuple(params), Xsd.INT.value, entity.type_name,
                             _rights(entity, Right.ADD)))
    if "load" in entity.operations:
        ops.append(Operation(name + "Load", "load",
                             (AUTH, Param(entity.id_param, Xsd.INT.value, required=True)),
                             entity.type_name, entity.type_name, _rights(entity, Right.READ)))
    if "load_by_criteria" in entity.operations:
        ops.append(Operation(name + "LoadByCriteria", "load_by_criteria", (
            AUTH,
            Param("Condition", Xsd.STRING.value, max_length=MAX_CONDITION_LENGTH),
            Param("Sorting", Xsd.STRING.value, max_length=MAX_SORTING_LENGTH),
            Param("PageSize", Xsd.INT.value, required=True),
            Param("PageNumber", Xsd.INT.value, required=True),
        ), entity.array_type, entity.type_name, _rights(entity, Right.READ)))
    if "update" in entity.operations:
        params = [AUTH, Param(entity.item_param["update"], entity.type_name, required=True)]
        if entity.alert_param_update:
            params.append(Param(entity.alert_param_update, Xsd.STRING.value))
        ops.append(Operation(name + "Update", "update", tuple(params), None, entity.type_name,
                             _rights(entity, Right.UPDATE)))
    if "delete" in entity.operations:
        ops.append(Operation(name + "Delete", "delete",
                             (AUTH, Param(entity.id_param, Xsd.INT.value, required=True)),
                             None, entity.type_name, _rights(entity, Right.DELETE)))
    return ops


def _credentials(*extra: Param) -> tuple[Param, ...]:
    # Vendor samples pass AppCode "" to GetLoginInfo.
    return (Param("AppCode", Xsd.STRING.value),
            Param("Email", Xsd.STRING.value, required=True),
            Param("Password", Xsd.STRING.value, required=True)) + extra


HELPER_OPERATIONS = (
    Operation("GetVersion", "get_version", (), Xsd.STRING.value, authenticated=False),
    Operation("GetLoginInfo", "get_login_info", _credentials(), "LoginInfo", authenticated=False),
    Operation("GetLoginInfoByEntity", "get_login_info_by_entity",
              _credentials(Param("EntityCode", Xsd.STRING.value, required=True)),
              "LoginInfo", authenticated=False),
    Operation("Bugs_GetStatuses", "get_statuses", (AUTH,), Xsd.ARRAY_OF_STRING.value, "Bug",
              (RightCheck(Area.DEFECTS, Right.READ), RightCheck(Area.MANAGE_CHOICE_LISTS, Right.READ))),
)
