// `mapping validate|preview|import|export|list|versions|rollback`: the
// tenant's declarative field mappings (docs/mappings.md).
//
// validate FILE  checks a mapping file without a store: rc 0, or rc 2 and
//                one line per error naming the rule ("rules[1].source: …").
// preview FILE   runs FILE on a real order from the tenant's source
//                (--order ID, default the newest) and prints the sample's
//                values and the QBO document fields the mapping sets.
// import FILE    saves FILE as a new version (rc 2 when invalid).
// export NAME    prints the mapping in force (newest version or default).
// list, versions NAME, rollback NAME VERSION.
// import and rollback change how every record of the mapping's entity
// already synced is written on its next sync: when that is more than 10
// records they ask "Proceed? [y/N]" on a terminal (confirm_prompt.h), are
// refused without one (rc 2), and run at once with --yes or EASYSALE_YES=1.
// The change is audited ("mapping.update" / "mapping.rollback", user "cli").
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/confirm_prompt.h"
#include "common/clock.h"
#include "mapping/field_map_qbo.h"
#include "server/mapping_preview.h"

namespace es::cli {
namespace {

struct MappingArgs {
  Common common;
  std::string file;
  std::string name;
  std::string order;
  int64_t version = 0;
  bool yes = false;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int PrintErrors(const std::string& what, const std::vector<mapping::MappingError>& errors) {
  fprintf(stderr, "error: %s: %zu error%s\n", what.c_str(), errors.size(), errors.size() == 1 ? "" : "s");
  for (const auto& e : errors) fprintf(stderr, "%s\n", mapping::FormatMappingError(e).c_str());
  return 2;
}

// The gate before `document` becomes mapping `name` (checked first: rc 2 with
// the errors when invalid). 0 = go on; `*records` the records it applies to,
// `*how` how it was confirmed ("not needed", "--yes", "asked").
int CheckAndConfirm(store::StateStore& store, const MappingArgs& a, const std::string& name, Json& document,
                    const std::string& what, mapping::FieldMap* checked, int64_t* records, std::string* how) {
  std::vector<mapping::MappingError> errors;
  auto m = server::CheckMapping(name, document, &errors);
  if (!m.ok()) return errors.empty() ? Fail(what, m.status()) : PrintErrors(what, errors);
  *checked = std::move(*m);
  auto plan = server::MappingChangePlan(store, a.common.tenant, *checked);
  if (!plan.ok()) return Fail(what, plan.status());
  *records = plan->touched;
  if (!plan->NeedsConfirmation()) {
    *how = "not needed";
    return 0;
  }
  if (a.yes || AssumeYesFromEnv()) {
    *how = "--yes";
    return 0;
  }
  *how = "asked";
  return ConfirmMappingChange(store, a.common.tenant, name, *checked, isatty(STDIN_FILENO) == 1, stdin, stderr);
}

void AuditChange(store::StateStore& store, const MappingArgs& a, const std::string& action, const std::string& name,
                 const std::string& how, Json detail) {
  store::AuditEntry e;
  e.tenant_id = a.common.tenant;
  e.at_ms = SystemClock::Get().NowMillis();
  e.user_id = "cli";
  e.action = action;
  e.target = "mapping:" + name;
  detail["confirmation"] = how;
  e.detail = std::move(detail);
  if (Status s = store.AddAudit(e); !s.ok())
    fprintf(stderr, "warning: the audit entry of the change was not written: %s\n", s.message().c_str());
}

int Validate(const MappingArgs& a) {
  auto text = ReadFile(a.file);
  if (!text.ok()) return Fail("mapping validate", text.status());
  std::vector<mapping::MappingError> errors;
  auto m = mapping::ParseMappingFile(*text, "", &errors);
  if (!m.ok()) return PrintErrors(a.file, errors);
  if (a.common.json) {
    printf("%s\n", DumpJson({{"valid", true}, {"name", m->name}, {"rules", m->rules.size()}}).c_str());
  } else {
    printf("valid: mapping '%s' (%s → %s), %zu rule%s\n", m->name.c_str(), m->entity.c_str(), m->target.c_str(),
           m->rules.size(), m->rules.size() == 1 ? "" : "s");
  }
  return 0;
}

int Preview(const MappingArgs& a) {
  auto text = ReadFile(a.file);
  if (!text.ok()) return Fail("mapping preview", text.status());
  auto doc = ParseJson(*text);
  if (!doc.ok()) return PrintErrors(a.file, {{"", "not valid JSON: " + doc.status().message()}});
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  server::PreviewInput in;
  in.tenant = a.common.tenant;
  in.name = mapping::kOrderMappingName;
  if (doc->is_object() && doc->contains("name") && (*doc)["name"].is_string()) in.name = (*doc)["name"].get<std::string>();
  in.mapping = *doc;
  in.source_id = a.order;
  std::vector<std::string> ids;
  auto connections = store->ListConnections(a.common.tenant);
  if (!connections.ok()) return Fail("mapping preview", connections.status());
  for (const auto& c : *connections) ids.push_back(c.id);
  auto transport = TransportFor(*store, a.common, ids);
  auto out = server::PreviewMapping(*store, *transport, SystemClock::Get(), CliEngineOptions(), in);
  if (!out.ok()) return Fail("mapping preview", out.status());
  if (a.common.json) {
    printf("%s\n", DumpJson(*out).c_str());
  } else {
    const Json& s = (*out)["sample"];
    printf("sample: order %s from %s\n", ScalarText(s["sourceId"]).c_str(), ScalarText(s["connection"]).c_str());
    for (auto it = s["values"].begin(); it != s["values"].end(); ++it)
      printf("  %s = %s\n", it.key().c_str(), DumpJson(it.value()).c_str());
    printf("output: %s\n", DumpJson((*out)["output"]).c_str());
  }
  const Json& errors = (*out)["errors"];
  for (const Json& e : errors)
    fprintf(stderr, "%s\n", mapping::FormatMappingError({ScalarText(e["path"]), ScalarText(e["message"])}).c_str());
  return errors.empty() ? 0 : 2;
}

int Import(const MappingArgs& a) {
  auto text = ReadFile(a.file);
  if (!text.ok()) return Fail("mapping import", text.status());
  auto doc = ParseJson(*text);
  if (!doc.ok()) return PrintErrors(a.file, {{"", "not valid JSON: " + doc.status().message()}});
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  std::string name = a.name;
  if (name.empty() && doc->is_object() && doc->contains("name") && (*doc)["name"].is_string())
    name = (*doc)["name"].get<std::string>();
  mapping::FieldMap checked;
  int64_t records = 0;
  std::string how;
  if (int no = CheckAndConfirm(*store, a, name, *doc, a.file, &checked, &records, &how); no != 0) return no;
  std::vector<mapping::MappingError> errors;
  auto v = server::SaveMapping(*store, a.common.tenant, name, *doc, "cli", "import", SystemClock::Get().NowMillis(),
                               &errors);
  if (!v.ok()) return errors.empty() ? Fail("mapping import", v.status()) : PrintErrors(a.file, errors);
  AuditChange(*store, a, "mapping.update", name, how,
              {{"version", *v}, {"entity", checked.entity}, {"records", records}});
  if (a.common.json) printf("%s\n", DumpJson({{"name", name}, {"version", *v}}).c_str());
  else printf("imported: mapping '%s' version %lld\n", name.c_str(), static_cast<long long>(*v));
  return 0;
}

int Export(const MappingArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto v = server::CurrentMapping(*store, a.common.tenant, a.name);
  if (!v.ok()) return Fail("mapping export", v.status());
  if (!*v) return Fail("mapping export", Status::NotFound("mapping '" + a.name + "' not found"));
  printf("%s\n", DumpJson((*v)->document).c_str());
  return 0;
}

int List(const MappingArgs& a, bool versions) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto rows = versions ? store->ListMappingVersions(a.common.tenant, a.name) : store->ListMappings(a.common.tenant);
  if (!rows.ok()) return Fail(versions ? "mapping versions" : "mapping list", rows.status());
  Json out = Json::array();
  for (const auto& v : *rows) {
    out.push_back({{"name", v.name}, {"version", v.version}, {"entity", v.entity}, {"author", v.author},
                   {"note", v.note}, {"created_at", FormatIso8601Utc(v.created_at_ms)}});
    if (!a.common.json)
      printf("%-20s  v%-4lld  %-8s  %-20s  %-10s  %s\n", v.name.c_str(), static_cast<long long>(v.version),
             v.entity.c_str(), FormatIso8601Utc(v.created_at_ms).c_str(), v.author.c_str(), v.note.c_str());
  }
  if (a.common.json) printf("%s\n", DumpJson(out).c_str());
  else if (rows->empty()) printf("no mappings saved (shipped defaults: `mapping export order`)\n");
  return 0;
}

int Rollback(const MappingArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto old = store->GetMappingVersion(a.common.tenant, a.name, a.version);
  if (!old.ok()) return Fail("mapping rollback", old.status());
  if (!*old)
    return Fail("mapping rollback", Status::NotFound("mapping '" + a.name + "' has no version " +
                                                     std::to_string(a.version)));
  Json doc = (*old)->document;
  mapping::FieldMap checked;
  int64_t records = 0;
  std::string how;
  if (int no = CheckAndConfirm(*store, a, a.name, doc, a.name, &checked, &records, &how); no != 0) return no;
  std::vector<mapping::MappingError> errors;
  auto v = server::SaveMapping(*store, a.common.tenant, a.name, (*old)->document, "cli",
                               "rollback to " + std::to_string(a.version), SystemClock::Get().NowMillis(), &errors);
  if (!v.ok()) return errors.empty() ? Fail("mapping rollback", v.status()) : PrintErrors(a.name, errors);
  AuditChange(*store, a, "mapping.rollback", a.name, how,
              {{"from", a.version}, {"version", *v}, {"entity", checked.entity}, {"records", records}});
  printf("rolled back: mapping '%s' version %lld holds version %lld\n", a.name.c_str(), static_cast<long long>(*v),
         static_cast<long long>(a.version));
  return 0;
}

}  // namespace

void AddMappingCommands(CLI::App& app) {
  auto* m = app.add_subcommand("mapping", "Field mappings: validate, preview, import, export, versions, rollback");
  m->require_subcommand(1);
  auto add = [&](const char* name, const char* help, auto run, bool file, bool name_arg, bool version) {
    auto args = std::make_shared<MappingArgs>();
    auto* c = m->add_subcommand(name, help);
    AddCommon(c, args->common);
    if (file) c->add_option("file", args->file, "mapping file (JSON)")->required();
    if (name_arg) c->add_option("name", args->name, "mapping name (e.g. order)")->required();
    if (version) c->add_option("version", args->version, "version to restore")->required()->check(CLI::PositiveNumber);
    if (std::string(name) == "preview") c->add_option("--order", args->order, "order id (default: the newest)");
    if (std::string(name) == "import") c->add_option("--name", args->name, "save under this name (default: the file's)");
    if (std::string(name) == "import" || std::string(name) == "rollback")
      c->add_flag("--yes", args->yes, "change it without asking, also when it applies to more than 10 synced records");
    c->callback([args, run] { SetExitCode(run(*args)); });
  };
  add("validate", "Check a mapping file (rc 2 and one line per error)", Validate, true, false, false);
  add("preview", "Run a mapping file on a real order from the source", Preview, true, false, false);
  add("import", "Save a mapping file as a new version", Import, true, false, false);
  add("export", "Print the mapping in force", Export, false, true, false);
  add("list", "The tenant's saved mappings", [](const MappingArgs& a) { return List(a, false); }, false, false, false);
  add("versions", "Every version of a mapping", [](const MappingArgs& a) { return List(a, true); }, false, true, false);
  add("rollback", "Make an older version current again", Rollback, false, true, true);
}

}  // namespace es::cli
