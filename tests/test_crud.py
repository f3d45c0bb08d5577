"""Add / Load / LoadByCriteria / Update / Delete of Bugs, Releases, FunctionalSpecs and
ProjectTasks over SOAP 1.1 and 1.2, against the vendor's documented rules."""
from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass

import pytest
from lxml import etree

from .helpers import ADMIN, NS, UNSET_DATE, auth, auth_xml, envelope, fault, fault_text, post_raw

TESTER = 25317


@dataclass(frozen=True)
class Kind:
    type_name: str
    prefix: str
    id_field: str
    id_param: str            # element name of the id on Load / Delete
    add_param: str           # element name of the item on Add
    update_param: str        # element name of the item on Update
    update_alert: str        # element name of the alert flag on Update
    statuses: tuple          # the project's Status choice list
    int_field: str           # a plain int member, cleared to 0 when left out of an Update
    unset_dates: tuple       # dateTime members nothing sets on a bare Add
    unset_ids: tuple         # Id members nothing sets on a bare Add
    date_sort: str           # a two-key Sorting for this type

    def op(self, soap, action):
        return getattr(soap.service, f"{self.prefix}_{action}")

    def __str__(self):
        return self.type_name


BUG = Kind("Bug", "Bugs", "BugId", "BugId", "Bug", "Bug", "SendEmailAlert",
           ("Active", "Reopened", "Resolved", "Closed"), "PctComplete",
           ("DateClosed", "ActStart", "ActFinish", "EstStart", "EstFinish", "DateResolved"),
           ("AssigneeUserId", "FolderId", "ClosedBy", "ResolvedBy"), "DateCreated DESC, Title")
RELEASE = Kind("Release", "Releases", "Id", "ReleaseId", "Release", "Release", "SendEmailAlert",
               ("Awaiting Start", "In Progress", "Completed"), "SeqNum",
               ("EstStartDate", "EstFinishDate", "EstStart", "EstFinished"),
               ("FolderId", "ParentId", "OwnerUserId", "AssigneeUserId"), "DateCreated DESC, Title")
SPEC = Kind("FunctionalSpec", "FunctionalSpecs", "FunctSpecId", "FunctionalSpecId", "FunctionalSpecs",
            "FunctionalSpec", "SendEmailAlert", ("Draft", "Approved", "Implemented"), "PctComplete",
            ("ActStart", "ActFinish", "EstStart", "EstFinish"), ("FolderId", "OwnerUserId"),
            "StatusCode DESC, Title")
TASK = Kind("ProjectTask", "ProjectTasks", "TaskId", "TaskId", "ProjectTask", "ProjectTasks",
            "SendEMailAlert", ("Not Started", "In Progress", "Done"), "PctComplete",
            ("DateBegin", "DateEnd", "DateDue", "EstStart", "EstFinish", "ActStart", "ActFinish"),
            ("FolderId", "OwnerUserId", "AssigneeUserId", "MLSId"), "StatusCode DESC, Title")
KINDS = [BUG, RELEASE, SPEC, TASK]
ENCODED_TITLE_KINDS = [BUG, RELEASE, SPEC]


@pytest.fixture(params=KINDS, ids=str)
def kind(request):
    return request.param


# -- helpers ----------------------------------------------------------------------------------

def tag() -> str:
    return uuid.uuid4().hex[:8]


def new_item(soap, kind, **values):
    values.setdefault("Title", f"{kind.type_name} {tag()}")
    values.setdefault("StatusCode", kind.statuses[0])
    return soap.new(kind.type_name, **values)


def add(soap, kind, item, notes="", user_id=ADMIN["user_id"]):
    """<Prefix>_Add with keyword arguments, so the parameter element names are the WSDL's."""
    return kind.op(soap, "Add")(AuthenticationData=auth(user_id=user_id), **{kind.add_param: item},
                                SendEmailAlert="N", NewNotes=notes)


def add_new(soap, kind, notes="", **values):
    return add(soap, kind, new_item(soap, kind, **values), notes)


def load(soap, kind, item_id, user_id=ADMIN["user_id"]):
    return kind.op(soap, "Load")(AuthenticationData=auth(user_id=user_id), **{kind.id_param: item_id})


def update(soap, kind, item, user_id=ADMIN["user_id"]):
    kind.op(soap, "Update")(AuthenticationData=auth(user_id=user_id),
                            **{kind.update_param: item, kind.update_alert: "N"})


def delete(soap, kind, item_id):
    kind.op(soap, "Delete")(AuthenticationData=auth(), **{kind.id_param: item_id})


def page(soap, kind, size, number, sorting="", condition=""):
    """One LoadByCriteria page, None (an empty array) normalised to []."""
    result = kind.op(soap, "LoadByCriteria")(AuthenticationData=auth(), Condition=condition,
                                             Sorting=sorting, PageSize=size, PageNumber=number)
    return list(result or [])


def all_items(soap, kind, size=200, sorting=""):
    items, number = [], 1
    while True:
        chunk = page(soap, kind, size, number, sorting)
        items += chunk
        if len(chunk) < size:
            return items
        number += 1


def ids(kind, items):
    return [getattr(i, kind.id_field) for i in items]


def decode_title(text):
    return (text or "").replace("&#60;", "<").replace("&#62;", ">").replace("&amp;", "&")


def recent(value: datetime.datetime) -> bool:
    return abs(datetime.datetime.now() - value) < datetime.timedelta(minutes=1)


def sent_operation_children(soap) -> list[str]:
    """Local names of the operation element's children in the last request zeep sent."""
    body = soap.history.last_sent["envelope"].find(f"{{{soap_ns(soap)}}}Body")
    return [etree.QName(child).localname for child in body[0]]


def soap_ns(soap):
    return ("http://schemas.xmlsoap.org/soap/envelope/" if soap.version == "1.1"
            else "http://www.w3.org/2003/05/soap-envelope")


@pytest.fixture(scope="module")
def folders(soap11):
    """FolderName -> FolderId of the seeded folders, read off the seeded items that use them."""
    found = {}
    for k in (BUG, SPEC):
        for item in all_items(soap11, k):
            if item.FolderId:
                found[item.FolderName] = item.FolderId
    assert {"Backlog", "Specifications"} <= set(found)
    return found


# -- Add / Load ---------------------------------------------------------------------------------

def test_add_load_round_trip(soap, kind):
    """Add returns the new id; Load returns the item with the values sent."""
    title = f"Round trip {tag()}"
    item_id = add_new(soap, kind, Title=title, Description="Some description",
                      StatusCode=kind.statuses[1], **{kind.int_field: 40})
    assert isinstance(item_id, int) and item_id > 0
    loaded = load(soap, kind, item_id)
    assert getattr(loaded, kind.id_field) == item_id
    assert loaded.Title == title
    assert loaded.Description == "Some description"
    assert loaded.StatusCode == kind.statuses[1]
    assert getattr(loaded, kind.int_field) == 40


def test_add_sends_the_documented_parameter_names(soap, kind):
    """[DOC] Add takes the item as <Bug>/<Release>/<FunctionalSpecs> (plural)/<ProjectTask>."""
    add_new(soap, kind)
    assert sent_operation_children(soap) == ["AuthenticationData", kind.add_param,
                                             "SendEmailAlert", "NewNotes"]


def test_update_sends_the_documented_parameter_names(soap, kind):
    """[DOC] FunctionalSpecs_Update takes <FunctionalSpec>; ProjectTasks_Update takes
    <ProjectTasks> and <SendEMailAlert>."""
    item_id = add_new(soap, kind)
    update(soap, kind, new_item(soap, kind, Title="Renamed", **{kind.id_field: item_id}))
    assert sent_operation_children(soap) == ["AuthenticationData", kind.update_param, kind.update_alert]
    assert load(soap, kind, item_id).Title == "Renamed"


@pytest.mark.parametrize("op, wrong, right", [
    ("FunctionalSpecs_Update", "FunctionalSpecs", "FunctionalSpec"),
    ("ProjectTasks_Update", "ProjectTask", "ProjectTasks"),
])
def test_update_with_the_add_element_name_is_refused(soap, op, wrong, right):
    """The server reads the item only from the documented element: the Add name is not it."""
    body = envelope(f'<{op} xmlns="{NS}">{auth_xml()}<{wrong}><Title>x</Title></{wrong}></{op}>',
                    soap.version)
    response = post_raw(soap.url, body, soap.version, op)
    assert response.status_code == 500
    assert f"<{right}>" in fault_text(response.content)


def test_new_notes_on_add_is_accepted(soap, kind):
    """[DOC] Add takes NewNotes: a non-empty note is stored with the new item."""
    item_id = add_new(soap, kind, notes="First note on this item")
    assert getattr(load(soap, kind, item_id), kind.id_field) == item_id


def test_unset_values_come_back_as_dotnet_defaults(soap, kind):
    """Unset dates travel as 0001-01-01T00:00:00 and unset Ids as 0."""
    loaded = load(soap, kind, add_new(soap, kind))
    for name in kind.unset_dates:
        assert getattr(loaded, name) == UNSET_DATE, name
    for name in kind.unset_ids:
        assert getattr(loaded, name) == 0, name


def test_id_sent_on_add_is_ignored(soap, kind):
    """The id is generated by the server: an id sent on Add is ignored."""
    first = add_new(soap, kind)
    item_id = add_new(soap, kind, **{kind.id_field: first})
    assert item_id != first
    assert getattr(load(soap, kind, item_id), kind.id_field) == item_id


def test_delete_then_load_faults(soap, kind):
    """After Delete the item is gone: Load faults, LoadByCriteria no longer lists it."""
    item_id = add_new(soap, kind)
    delete(soap, kind, item_id)
    assert "not found" in fault(soap, load, soap, kind, item_id)
    assert item_id not in ids(kind, all_items(soap, kind))
    assert "not found" in fault(soap, delete, soap, kind, item_id)


# -- LoadByCriteria: condition and paging -------------------------------------------------------

@pytest.mark.parametrize("condition", ["", None], ids=["empty", "absent"])
def test_empty_condition_returns_all_items(soap, kind, condition):
    """[DOC] An empty Condition loads every item of the project."""
    mine = {add_new(soap, kind) for _ in range(2)}
    result = kind.op(soap, "LoadByCriteria")(AuthenticationData=auth(), Condition=condition,
                                             Sorting=None, PageSize=200, PageNumber=1)
    got = ids(kind, result or [])
    assert mine <= set(got)
    assert len(got) == len(set(got))


@pytest.mark.parametrize("size", [1, 2, 7, 200])
def test_paging_returns_every_item_once(soap, kind, size):
    """[DOC] PageSize 1-200: pages in sequence give every item exactly once, in id order by default."""
    mine = [add_new(soap, kind) for _ in range(3)]
    pages, number = [], 1
    while True:
        chunk = page(soap, kind, size, number)
        assert len(chunk) <= size
        pages.append(chunk)
        if len(chunk) < size:
            break
        number += 1
    got = [i for chunk in pages for i in ids(kind, chunk)]
    assert len(got) == len(set(got)), "pages overlap"
    assert set(mine) <= set(got)
    assert got == sorted(got)
    assert all(len(chunk) == size for chunk in pages[:-1])


def test_page_past_the_end_is_empty(soap, kind):
    """A page after the last item is an empty array (zeep: None)."""
    add_new(soap, kind)
    total = len(all_items(soap, kind))
    assert page(soap, kind, 5, total // 5 + 2) == []
    assert kind.op(soap, "LoadByCriteria")(AuthenticationData=auth(), Condition="", Sorting="",
                                           PageSize=200, PageNumber=total // 200 + 2) is None


@pytest.mark.parametrize("size, number, named", [(0, 1, "PageSize"), (201, 1, "PageSize"),
                                                 (-1, 1, "PageSize"), (10, 0, "PageNumber")])
def test_paging_out_of_range_faults(soap, kind, size, number, named):
    """[DOC] PageSize must be 1-200 and PageNumber 1 or more."""
    text = fault(soap, page, soap, kind, size, number)
    assert named in text and str(size if named == "PageSize" else number) in text


# -- LoadByCriteria: sorting ----------------------------------------------------------------------

def sort_key(kind, sorting):
    """The order the Sorting string asks for, ties broken by id, titles compared case-insensitively."""
    keys = []
    for part in sorting.split(","):
        words = part.split()
        name = {"title": "Title", "statuscode": "StatusCode", "datecreated": "DateCreated"}[words[0].lower()]
        keys.append((name, len(words) == 2 and words[1].upper() == "DESC"))

    def order(items):
        items = sorted(items, key=lambda i: getattr(i, kind.id_field))
        for name, desc in reversed(keys):
            def value(i, name=name):
                # SQL NULL sorts first ascending; strings compare case-insensitively (NOCASE).
                v = getattr(i, name)
                if isinstance(v, str):
                    v = (decode_title(v) if name == "Title" else v).lower()
                return (v is not None, v)
            items = sorted(items, key=value, reverse=desc)
        return ids(kind, items)
    return order


@pytest.mark.parametrize("sorting", ["Title DESC", "title desc", "StatusCode, Title DESC", "date"])
def test_sorting_orders_items(soap, kind, sorting):
    """[DOC] Sorting 'Field [ASC|DESC][, Field...]' orders the whole result, field names in any case."""
    if sorting == "date":
        sorting = kind.date_sort
    run = tag()
    for title, status in [("b", 0), ("A", 1), ("c", 1), ("a", 0)]:
        add_new(soap, kind, Title=f"Sort {run} {title}", StatusCode=kind.statuses[status])
    items = all_items(soap, kind, sorting=sorting)
    assert ids(kind, items) == sort_key(kind, sorting)(items)
    mine = [i.Title for i in items if i.Title.startswith(f"Sort {run}")]
    if sorting.lower() == "title desc":
        # Added as b, A, c, a: not the default (id) order.
        assert [t[-1].lower() for t in mine] == ["c", "b", "a", "a"]


def test_unknown_sort_field_faults_naming_it(soap, kind):
    """An unknown Sorting field is refused with a fault that names it."""
    assert "NoSuchField" in fault(soap, page, soap, kind, 10, 1, "NoSuchField DESC")


# -- Update ----------------------------------------------------------------------------------------

def test_update_replaces_the_whole_record(soap, kind):
    """[DOC] Update replaces the record: members not sent are cleared (strings unset, ints 0)."""
    item_id = add_new(soap, kind, Description="Will be cleared", **{kind.int_field: 55})
    update(soap, kind, soap.new(kind.type_name, Title="Updated title", StatusCode=kind.statuses[1],
                                **{kind.id_field: item_id}))
    loaded = load(soap, kind, item_id)
    assert loaded.Title == "Updated title"
    assert loaded.StatusCode == kind.statuses[1]
    assert loaded.Description is None
    assert getattr(loaded, kind.int_field) == 0


def test_update_of_a_missing_item_faults(soap, kind):
    """Update names its item by id: an id that names nothing is not found."""
    item_id = add_new(soap, kind)
    delete(soap, kind, item_id)
    text = fault(soap, update, soap, kind, new_item(soap, kind, **{kind.id_field: item_id}))
    assert "not found" in text


# -- Server-set and derived members -------------------------------------------------------------

def test_bug_read_only_members_are_ignored_on_add(soap):
    """DateCreated, UpdateUserId and the *Name members are server values whatever the client sends."""
    bug_id = add_new(soap, BUG, DateCreated=datetime.datetime(2001, 2, 3, 4, 5, 6),
                     DateUpdated=datetime.datetime(2001, 2, 3), UpdateUserId=TESTER,
                     AssignedToName="x", UserName="y", ClosedByName="z", ClosedBy=TESTER,
                     DateClosed=datetime.datetime(2001, 2, 3))
    bug = load(soap, BUG, bug_id)
    assert recent(bug.DateCreated) and recent(bug.DateUpdated)
    assert bug.UpdateUserId == ADMIN["user_id"]
    assert bug.UserName == "Admin, Ada"
    assert bug.AssignedToName is None
    assert bug.ClosedBy == 0 and bug.ClosedByName is None and bug.DateClosed == UNSET_DATE


def test_bug_update_keeps_date_created_and_records_the_caller(soap):
    """On Update DateCreated stays, DateUpdated moves and UpdateUserId is the caller."""
    bug_id = add_new(soap, BUG)
    created = load(soap, BUG, bug_id).DateCreated
    update(soap, BUG, new_item(soap, BUG, BugId=bug_id, DateCreated=datetime.datetime(2001, 1, 1),
                               UpdateUserId=ADMIN["user_id"]), user_id=TESTER)
    bug = load(soap, BUG, bug_id)
    assert bug.DateCreated == created
    assert bug.DateUpdated >= created
    assert bug.UpdateUserId == TESTER and bug.UserName == "Tester, Tom"


def test_release_read_only_members_are_ignored_on_add(soap):
    """Release: CreateUserId, UpdateUserId, DateCreated and the derived names are server values."""
    release_id = add_new(soap, RELEASE, Title="Top", CreateUserId=TESTER, UpdateUserId=TESTER,
                         DateCreated=datetime.datetime(2001, 1, 1), ReleaseName="x",
                         FullReleaseName="y", ParentName="z", ReleaseId=12345, ProjId=10369)
    release = load(soap, RELEASE, release_id)
    assert release.CreateUserId == ADMIN["user_id"] and release.UpdateUserId == ADMIN["user_id"]
    assert recent(release.DateCreated)
    assert (release.ReleaseId, release.ReleaseName, release.FullReleaseName) == (release_id, "Top", "Top")
    assert release.ParentName is None
    assert release.ProjId == 10372


def test_assignee_id_gives_the_assignee_name(soap):
    """Id/Name pairs: AssigneeUserId alone gives AssignedToName 'LastName, FirstName'."""
    bug = load(soap, BUG, add_new(soap, BUG, AssigneeUserId=TESTER))
    assert bug.AssigneeUserId == TESTER
    assert bug.AssignedToName == "Tester, Tom"


def test_unassigned_bug_accepts_assignee_zero(soap):
    """AssigneeUserId 0 (what .NET sends when unset) means unassigned, not user 0."""
    bug = load(soap, BUG, add_new(soap, BUG, AssigneeUserId=0))
    assert bug.AssigneeUserId == 0 and bug.AssignedToName is None


@pytest.mark.parametrize("kind_, folder", [(BUG, "Backlog"), (SPEC, "Specifications")],
                         ids=["Bug", "FunctionalSpec"])
def test_folder_id_gives_the_folder_name(soap, folders, kind_, folder):
    """Id/Name pairs: FolderId alone gives FolderName."""
    item = load(soap, kind_, add_new(soap, kind_, FolderId=folders[folder], FolderName="ignored"))
    assert item.FolderId == folders[folder]
    assert item.FolderName == folder


def test_folder_of_another_item_type_faults(soap, folders):
    """A FolderId must name a folder of the item's own type."""
    text = fault(soap, add_new, soap, BUG, FolderId=folders["Specifications"])
    assert "FolderId" in text


def test_bug_without_any_value_type_member_is_accepted(soap):
    """A client may leave every int/date/decimal member out (raw XML): they read back as defaults."""
    title = f"Bare {tag()}"
    body = envelope(f'<Bugs_Add xmlns="{NS}">{auth_xml()}<Bug><Title>{title}</Title>'
                    f'<StatusCode>Active</StatusCode></Bug></Bugs_Add>', soap.version)
    response = post_raw(soap.url, body, soap.version, "Bugs_Add")
    assert response.status_code == 200, fault_text(response.content)
    bug_id = int(re.search(r"<Bugs_AddResult>(\d+)</Bugs_AddResult>", response.text).group(1))
    bug = load(soap, BUG, bug_id)
    assert bug.Title == title
    assert bug.AssigneeUserId == 0 and bug.PctComplete == 0 and bug.ActStart == UNSET_DATE
    assert recent(bug.DateCreated)


# -- Bug status rules -------------------------------------------------------------------------------

def assert_closed_by(bug, user_id, name):
    assert bug.ClosedBy == user_id and bug.ClosedByName == name
    assert bug.ResolvedBy == user_id and bug.ResolvedByName == name
    assert recent(bug.DateClosed)
    assert bug.PctComplete == 100
    assert recent(bug.ActStart) and recent(bug.ActFinish)


def test_add_closed_bug_sets_the_closed_members(soap):
    """[DOC] Bugs_Add with a 'Closed' status sets DateClosed, ClosedBy, ResolvedBy, PctComplete 100,
    ActStart and ActFinish; the caller is the closer."""
    bug_id = add(soap, BUG, new_item(soap, BUG, StatusCode="Closed"), user_id=TESTER)
    assert_closed_by(load(soap, BUG, bug_id), TESTER, "Tester, Tom")


def test_add_resolved_bug_sets_the_resolved_members(soap):
    """[INFERRED] A 'Resolved' status sets ResolvedBy and DateResolved, and nothing of Closed."""
    bug = load(soap, BUG, add_new(soap, BUG, StatusCode="Resolved"))
    assert bug.ResolvedBy == ADMIN["user_id"] and bug.ResolvedByName == "Admin, Ada"
    assert recent(bug.DateResolved)
    assert bug.ClosedBy == 0 and bug.DateClosed == UNSET_DATE and bug.PctComplete == 0


def test_update_active_to_closed_sets_the_closed_members(soap):
    """Moving a bug from Active to Closed on Update sets the closed members too."""
    bug_id = add_new(soap, BUG, StatusCode="Active")
    assert load(soap, BUG, bug_id).DateClosed == UNSET_DATE
    update(soap, BUG, new_item(soap, BUG, BugId=bug_id, StatusCode="Closed"), user_id=TESTER)
    assert_closed_by(load(soap, BUG, bug_id), TESTER, "Tester, Tom")


def test_status_is_matched_case_insensitively(soap):
    """Choice values compare case-insensitively (SQL Server collation) and are stored as listed."""
    assert load(soap, BUG, add_new(soap, BUG, StatusCode="reopened")).StatusCode == "Reopened"


# -- Title double encoding ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind_", ENCODED_TITLE_KINDS, ids=str)
def test_title_is_double_encoded(soap, kind_):
    """[DOC] XML entities in titles are double encoded: a<b & c>d reads back as a&#60;b &amp; c&#62;d,
    and that encoded form sent back on Update stores the same title."""
    item_id = add_new(soap, kind_, Title="a<b & c>d")
    loaded = load(soap, kind_, item_id)
    assert loaded.Title == "a&#60;b &amp; c&#62;d"
    [newest] = page(soap, kind_, 1, 1, f"{kind_.id_field} DESC")
    assert getattr(newest, kind_.id_field) == item_id
    assert newest.Title == "a&#60;b &amp; c&#62;d"
    update(soap, kind_, new_item(soap, kind_, Title=loaded.Title, **{kind_.id_field: item_id}))
    assert load(soap, kind_, item_id).Title == "a&#60;b &amp; c&#62;d"


# -- Releases: hierarchy --------------------------------------------------------------------------------

def add_release(soap, title, release_type, parent_id=0):
    return add_new(soap, RELEASE, Title=title, ReleaseType=release_type, ParentId=parent_id)


def test_release_hierarchy_derived_members(soap):
    """A Build under an Iteration under a Release: ReleaseId/ReleaseName are the top release's,
    ParentName the iteration's title, FullReleaseName the path R/I/B."""
    run = tag()
    release = add_release(soap, f"R{run}", "Release")
    iteration = add_release(soap, f"I{run}", "Iteration", release)
    build = add_release(soap, f"B{run}", "Build", iteration)
    loaded = load(soap, RELEASE, build)
    assert loaded.ReleaseType == "Build" and loaded.ParentId == iteration
    assert loaded.ReleaseId == release
    assert loaded.ReleaseName == f"R{run}"
    assert loaded.ParentName == f"I{run}"
    assert loaded.FullReleaseName == f"R{run}/I{run}/B{run}"
    middle = load(soap, RELEASE, iteration)
    assert middle.ReleaseId == release and middle.ReleaseName == f"R{run}"
    assert middle.ParentName == f"R{run}" and middle.FullReleaseName == f"R{run}/I{run}"


def test_release_names_derived_from_titles_are_double_encoded_like_titles(soap):
    """[DOC] titles are double encoded; the names built from them (ReleaseName, ParentName,
    FullReleaseName) carry the same encoding, since they are those titles."""
    run = tag()
    release = add_release(soap, f"R<{run}> & co", "Release")
    iteration = add_release(soap, f"I&{run}", "Iteration", release)
    loaded = load(soap, RELEASE, iteration)
    assert loaded.Title == f"I&amp;{run}"
    assert loaded.ParentName == loaded.ReleaseName == f"R&#60;{run}&#62; &amp; co"
    assert loaded.FullReleaseName == f"R&#60;{run}&#62; &amp; co/I&amp;{run}"


def test_iteration_without_parent_faults(soap):
    """An Iteration must belong to a Release: ParentId is required."""
    assert "ParentId" in fault(soap, add_release, soap, "I", "Iteration")


def test_release_with_parent_faults(soap):
    """A Release is a root: a ParentId is refused."""
    parent = add_release(soap, "Top", "Release")
    assert "ParentId" in fault(soap, add_release, soap, "R", "Release", parent)


def test_build_under_build_faults(soap):
    """A Build cannot belong to a Build."""
    release = add_release(soap, "R", "Release")
    iteration = add_release(soap, "I", "Iteration", release)
    build = add_release(soap, "B", "Build", iteration)
    assert "ParentId" in fault(soap, add_release, soap, "B2", "Build", build)


def test_unknown_release_type_faults_listing_the_allowed_values(soap):
    """ReleaseType is one of Release, Iteration, Build."""
    text = fault(soap, add_release, soap, "S", "Sprint")
    assert "Sprint" in text
    for allowed in ("Release", "Iteration", "Build"):
        assert allowed in text


def test_deleting_a_release_deletes_its_iterations_and_builds(soap):
    """Releases_Delete cascades to the iterations and builds under the release."""
    release = add_release(soap, "R", "Release")
    iteration = add_release(soap, "I", "Iteration", release)
    build = add_release(soap, "B", "Build", iteration)
    other = add_release(soap, "Other", "Release")
    delete(soap, RELEASE, release)
    for gone in (release, iteration, build):
        assert "not found" in fault(soap, load, soap, RELEASE, gone)
    assert load(soap, RELEASE, other).Id == other


def test_deleting_a_bug_with_notes(soap):
    """A bug added with NewNotes can be deleted (its notes go with it)."""
    bug_id = add_new(soap, BUG, notes="A note that the delete must take along")
    delete(soap, BUG, bug_id)
    assert "not found" in fault(soap, load, soap, BUG, bug_id)
