// The conformance scenario in C#, as the vendor's samples and .NET users write it: a proxy made by
// "Add Web Reference" (here Mono's wsdl tool, SoapHttpClientProtocol), typed calls on it, and
// SoapException for faults (tests/conformance/README.md has the protocol).
//
// wsdl.exe makes one proxy per binding; the two (SOAP 1.1 and 1.2) are generated into the
// namespaces Soap11 and Soap12 and this file is compiled once against each.
#if SOAP12
using Psws = Soap12;
#else
using Psws = Soap11;
#endif
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Web.Services.Protocols;
using System.Xml;

static class Program
{
    static Dictionary<string, string> c = new Dictionary<string, string>();
    static Psws.Service service;
    static Psws.AuthenticationData auth;
    static int bugId;

    static int Main(string[] args)
    {
        foreach (string line in File.ReadAllLines(args[0], Encoding.UTF8))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) c[line.Substring(0, eq)] = line.Substring(eq + 1);
        }
        // The README's lines are UTF-8 whatever the locale mono runs in.
        Console.OutputEncoding = new UTF8Encoding(false);

        service = new Psws.Service();
        service.Url = c["url"];
        auth = Auth(c["passcode"]);

        Report("get_version", () => Obj("version", Str(service.GetVersion())));
        Report("get_login_info", GetLoginInfo);
        Report("load_by_criteria", LoadByCriteria);
        Report("add_bug", AddBug);
        Report("load_bug", LoadBug);
        Report("round_trip_bug", () => RoundTrip(
            service.Bugs_Add(auth, new Psws.Bug { Title = c["rt_title"], StatusCode = "Active" }, null, null),
            id => service.Bugs_Load(auth, id),
            bug => service.Bugs_Update(auth, bug, null),
            bug => bug.BugId, bug => bug.Title, (bug, title) => bug.Title = title));
        Report("round_trip_release", () => RoundTrip(
            service.Releases_Add(auth, new Psws.Release { Title = c["rt_title"], ReleaseType = "Release" }, null, null),
            id => service.Releases_Load(auth, id),
            release => service.Releases_Update(auth, release, null),
            release => release.Id, release => release.Title, (release, title) => release.Title = title));
        Report("round_trip_spec", () => RoundTrip(
            service.FunctionalSpecs_Add(auth, new Psws.FunctionalSpec { Title = c["rt_title"] }, null, null),
            id => service.FunctionalSpecs_Load(auth, id),
            spec => service.FunctionalSpecs_Update(auth, spec, null),
            spec => spec.FunctSpecId, spec => spec.Title, (spec, title) => spec.Title = title));
        Report("round_trip_task", () => RoundTrip(
            service.ProjectTasks_Add(auth, new Psws.ProjectTask { Title = c["rt_title"] }, null, null),
            id => service.ProjectTasks_Load(auth, id),
            task => service.ProjectTasks_Update(auth, task, null),
            task => task.TaskId, task => task.Title, (task, title) => task.Title = title));
        Report("release_cascade", ReleaseCascade);
        Report("wrong_passcode", WrongPasscode);
        Report("delete_bug", DeleteBug);
        Report("ci_reporter", CiReporter);
        return 0;
    }

    static Psws.AuthenticationData Auth(string passCode)
    {
        return new Psws.AuthenticationData {
            AppCode = c["app_code"], DeptId = int.Parse(c["dept_id"]), ProjId = int.Parse(c["proj_id"]),
            UserId = int.Parse(c["user_id"]), PassCode = passCode };
    }

    static string GetLoginInfo()
    {
        Psws.LoginInfo info = service.GetLoginInfo("", c["email"], c["password"]);
        var ids = new List<string>();
        foreach (Psws.Project p in info.Projects) ids.Add(p.ProjId.ToString());
        return Obj("user_id", info.UserId.ToString(), "proj_ids", "[" + string.Join(", ", ids) + "]");
    }

    static string LoadByCriteria()
    {
        Psws.Bug[] bugs = service.Bugs_LoadByCriteria(auth, c["condition"], c["sorting"],
                                                      int.Parse(c["page_size"]), int.Parse(c["page_number"]));
        var ids = new List<string>();
        foreach (Psws.Bug bug in bugs) ids.Add(bug.BugId.ToString());
        return Obj("ids", "[" + string.Join(", ", ids) + "]");
    }

    static string AddBug()
    {
        bugId = service.Bugs_Add(auth, new Psws.Bug { Title = c["title"], StatusCode = "Active" }, "N", null);
        return Obj("id", bugId.ToString());
    }

    static string LoadBug()
    {
        Psws.Bug bug = service.Bugs_Load(auth, bugId);
        return Obj("title", Str(DecodeTitle(bug.Title)), "status", Str(bug.StatusCode));
    }

    // Add, Load, change the title on the loaded object, Update that object, Load again.
    static string RoundTrip<T>(int id, Func<int, T> load, Action<T> update,
                               Func<T, int> idOf, Func<T, string> titleOf, Action<T, string> setTitle)
    {
        T loaded = load(id);
        setTitle(loaded, c["rt_new_title"]);
        update(loaded);
        T after = load(id);
        return Obj("id", idOf(after).ToString(), "title", Str(DecodeTitle(titleOf(after))));
    }

    static string ReleaseCascade()
    {
        int release = AddRelease("Cascade release", "Release", 0);
        int iteration = AddRelease("Cascade iteration", "Iteration", release);
        int build = AddRelease("Cascade build", "Build", iteration);
        service.Releases_Delete(auth, release);
        string fault = "null";
        try { service.Releases_Load(auth, build); }
        catch (SoapException ex) { fault = Str(FaultDetail(ex)); }
        return Obj("ids", "[" + release + ", " + iteration + ", " + build + "]", "fault", fault);
    }

    static int AddRelease(string title, string kind, int parent)
    {
        return service.Releases_Add(auth, new Psws.Release { Title = title, ReleaseType = kind, ParentId = parent },
                                    null, null);
    }

    static string WrongPasscode()
    {
        try
        {
            service.Bugs_Load(Auth(c["wrong_passcode"]), bugId);
        }
        catch (SoapException ex)
        {
            return Obj("code", Str(ex.Code.ToString()), "string", Str(ex.Message), "detail", Str(FaultDetail(ex)));
        }
        throw new Exception("no fault");
    }

    static string DeleteBug()
    {
        service.Bugs_Delete(auth, bugId);
        try { service.Bugs_Load(auth, bugId); }
        catch (SoapException ex) { return Obj("fault", Str(FaultDetail(ex))); }
        throw new Exception("no fault");
    }

    // A CI reporter: run the test set, record every step and test as passed on the loaded objects.
    static string CiReporter()
    {
        Psws.TestSet set = service.TestSets_LoadByCriteria(auth, c["set_condition"], "", 200, 1).Single();
        int runId = service.TestRuns_Add(auth, new Psws.TestRun { TestSetId = set.TestSetId }, "N");
        Psws.TestRunItem[] items = service.TestRunItems_LoadByCriteria(
            auth, c["items_condition"].Replace("{run}", runId.ToString()), "Seq", 200, 1);
        int resultCount = 0;
        foreach (Psws.TestRunItem item in items)
        {
            string condition = c["results_condition"].Replace("{item}", item.TestRunItemId.ToString());
            foreach (Psws.TestRunResult result in service.TestRunResults_LoadByCriteria(auth, condition, "Seq", 200, 1))
            {
                result.StatusCode = "Passed";
                result.ActualResults = c["actual_results"];
                service.TestRunResults_Update(auth, result, "N");
                resultCount++;
            }
            item.StatusCode = "Passed";
            item.RunTime = int.Parse(c["run_time"]);
            service.TestRunItems_Update(auth, item, "N");
        }
        Psws.TestRun run = service.TestRuns_Load(auth, runId);
        return Obj("set_id", set.TestSetId.ToString(), "run_id", runId.ToString(),
                   "item_ids", "[" + string.Join(", ", items.Select(i => i.TestRunItemId.ToString())) + "]",
                   "result_count", resultCount.ToString(), "status", Str(run.StatusCode),
                   "nbr_tests", run.NbrTests.ToString(), "nbr_passed", run.NbrPassed.ToString(),
                   "run_time_formated", Str(run.RunTimeFormated));
    }

    // The service puts its message in <detail><Description Text="…"/></detail>.
    static string FaultDetail(SoapException ex)
    {
        XmlNode detail = ex.Detail;
        XmlElement description = detail == null ? null : detail["Description"];
        if (description == null)
            throw new Exception("the fault's Detail has no Description (Detail is "
                                + (detail == null ? "null" : detail.OuterXml) + "): " + ex.Message);
        return description.GetAttribute("Text");
    }

    static string DecodeTitle(string text)
    {
        return text.Replace("&#60;", "<").Replace("&#62;", ">").Replace("&amp;", "&");
    }

    static void Report(string step, Func<string> action)
    {
        string line;
        try
        {
            line = "{\"step\": " + Str(step) + ", \"ok\": true, \"data\": " + action() + "}";
        }
        catch (Exception ex)        // reported, then the scenario goes on
        {
            string error = ex.GetType().FullName + ": " + ex.Message;
            // A SoapException's Message is only the faultstring ("Error"): the why is in its detail.
            var fault = ex as SoapException;
            if (fault != null && fault.Detail != null) error += " " + fault.Detail.OuterXml;
            line = "{\"step\": " + Str(step) + ", \"ok\": false, \"error\": " + Str(error) + "}";
            Console.Error.WriteLine(ex);
        }
        Console.WriteLine(line);
        Console.Out.Flush();
    }

    // {"k1": v1, …} from keys and values that are already JSON.
    static string Obj(params string[] pairs)
    {
        var parts = new List<string>();
        for (int i = 0; i < pairs.Length; i += 2) parts.Add(Str(pairs[i]) + ": " + pairs[i + 1]);
        return "{" + string.Join(", ", parts) + "}";
    }

    static string Str(string s)
    {
        if (s == null) return "null";
        var sb = new StringBuilder("\"");
        foreach (char ch in s)
        {
            if (ch == '"') sb.Append("\\\"");
            else if (ch == '\\') sb.Append("\\\\");
            else if (ch < ' ') sb.AppendFormat("\\u{0:x4}", (int)ch);
            else sb.Append(ch);
        }
        return sb.Append('"').ToString();
    }
}
