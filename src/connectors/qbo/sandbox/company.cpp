#include "connectors/qbo/sandbox/company.h"

#include <exception>

namespace es::qbo::sandbox {
namespace {

constexpr size_t kMaxRequestIdLength = 50;
constexpr size_t kMaxBatchRequestIdLength = 36;
constexpr size_t kMaxRememberedRequestIds = 200'000;  // oldest forgotten first

bool IsDigits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Fields a client may echo back but never sets.
bool IsSystemField(std::string_view f) {
  return f == "Id" || f == "SyncToken" || f == "sparse" || f == "domain" || f == "MetaData" ||
         f == "status";
}

std::string TokenText(const Json& v) {
  if (v.is_string() || IsJsonNumber(v)) return ScalarText(v);
  return {};
}

}  // namespace

bool Company::IdLess::operator()(const std::string& a, const std::string& b) const {
  bool da = IsDigits(a), db = IsDigits(b);
  if (da != db) return da;  // numeric Ids first
  if (da && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

Company::Company(std::string realm_id, Clock* clock, int utc_offset_minutes)
    : realm_id_(std::move(realm_id)), clock_(clock), offset_min_(utc_offset_minutes) {
  Seed();
}

int64_t Company::now_ms() const { return clock_->NowMillis(); }
std::string Company::EnvelopeTime() const { return LocalTimestampMillis(now_ms(), offset_min_); }
std::string Company::Timestamp(int64_t ms) const { return LocalTimestamp(ms, offset_min_); }
std::string Company::Today() const { return LocalDate(now_ms(), offset_min_); }

Company::Table& Company::table(std::string_view entity) {
  auto it = tables_.find(entity);
  if (it == tables_.end()) it = tables_.emplace(std::string(entity), Table{}).first;
  return it->second;
}

const Company::Table* Company::find_table(std::string_view entity) const {
  auto it = tables_.find(entity);
  return it == tables_.end() ? nullptr : &it->second;
}

const Company::Record* Company::Find(std::string_view entity, const std::string& id) const {
  const Table* t = find_table(entity);
  if (!t) return nullptr;
  auto it = t->rows.find(id);
  return it == t->rows.end() ? nullptr : &it->second;
}

std::string Company::NewId(std::string_view entity) {
  Table& t = table(entity);
  while (true) {
    std::string id = std::to_string(t.next_id++);
    if (!t.rows.count(id)) return id;
  }
}

void Company::Changed(std::string_view entity, const std::string& id, std::string_view op) {
  if (!change_log_) return;
  changes_.push_back(ChangeEvent{std::string(entity), id, std::string(op), now_ms()});
  if (changes_.size() > 100'000) changes_.erase(changes_.begin(), changes_.begin() + 50'000);
}

void Company::EnableChangeLog() {
  std::lock_guard<std::mutex> lock(mu_);
  change_log_ = true;
}

std::vector<ChangeEvent> Company::TakeChanges() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ChangeEvent> out;
  out.swap(changes_);
  return out;
}

int64_t Company::writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_;
}

int64_t Company::Count(std::string_view entity) const {
  std::lock_guard<std::mutex> lock(mu_);
  const EntityInfo* e = EntityByName(entity);
  const Table* t = e ? find_table(e->name) : nullptr;
  if (!t) return 0;
  int64_t n = 0;
  for (const auto& [id, r] : t->rows)
    if (!r.deleted) ++n;
  return n;
}

std::vector<Json> Company::All(std::string_view entity) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Json> out;
  const EntityInfo* e = EntityByName(entity);
  const Table* t = e ? find_table(e->name) : nullptr;
  if (!t) return out;
  for (const auto& [id, r] : t->rows)
    if (!r.deleted) out.push_back(r.obj);
  return out;
}

// ---- requestid replay and routing ---------------------------------------

WireReply Company::Handle(const ApiCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  bool is_query = !call.segments.empty() && call.segments[0] == "query";
  bool is_batch = !call.segments.empty() && call.segments[0] == "batch";
  std::string request_id;
  auto rid = call.params.find("requestid");
  if (call.method == "POST" && !is_query && rid != call.params.end() && !rid->second.empty()) {
    size_t max = is_batch ? kMaxBatchRequestIdLength : kMaxRequestIdLength;
    if (rid->second.size() > max) {
      ApiResult r = FaultResult(ErrLength("requestid", max), EnvelopeTime());
      return WireReply{r.status, DumpJson(r.body), true, false};
    }
    auto hit = replay_.find(rid->second);
    if (hit != replay_.end()) {
      WireReply w = hit->second;
      w.replayed = true;
      return w;
    }
    request_id = rid->second;
  }
  ApiResult res;
  try {
    res = Dispatch(call);
  } catch (const Json::type_error&) {
    // A property of an unexpected JSON type that no check named.
    res = FaultResult(ErrUnsupportedProperty("(request)", "has a property of an unsupported JSON type"), EnvelopeTime());
  } catch (const std::exception&) {
    res = FaultResult(ErrSystem(500), EnvelopeTime());
  }
  WireReply w{res.status, DumpJson(res.body), res.fault, false};
  if (!request_id.empty()) {
    replay_[request_id] = w;
    replay_order_.push_back(request_id);
    if (replay_order_.size() > kMaxRememberedRequestIds) {
      replay_.erase(replay_order_.front());
      replay_order_.pop_front();
    }
  }
  return w;
}

ApiResult Company::Dispatch(const ApiCall& call) {
  const std::string time = EnvelopeTime();
  auto unsupported = [&] {
    std::string path = "/v3/company/" + realm_id_;
    for (const auto& s : call.segments) path += "/" + s;
    return FaultResult(ErrUnsupportedOperation("Could not find resource for relative : " + path), time);
  };
  if (call.segments.empty()) return unsupported();
  const std::string& s0 = call.segments[0];
  if (s0 == "query") {
    if (call.segments.size() != 1) return unsupported();
    std::string statement;
    if (call.method == "GET") {
      auto it = call.params.find("query");
      if (it == call.params.end() || it->second.empty()) return FaultResult(ErrRequiredParam("query"), time);
      statement = it->second;
    } else {
      statement = call.body;
    }
    Outcome<Json> r = RunQuery(statement);
    if (!r.ok()) return FaultResult(r.error(), time);
    return ApiResult{200, Json{{"QueryResponse", r.value()}, {"time", time}}, false};
  }
  if (s0 == "batch" && call.method == "POST" && call.segments.size() == 1) return Batch(call);
  if (s0 == "cdc" && call.method == "GET" && call.segments.size() == 1) return Cdc(call);
  if (s0 == "companyinfo" && call.method == "GET" && call.segments.size() == 2) {
    if (call.segments[1] != realm_id_) return FaultResult(ErrObjectNotFound("CompanyInfo", call.segments[1]), time);
    return ApiResult{200, Json{{"CompanyInfo", Find("CompanyInfo", "1")->obj}, {"time", time}}, false};
  }
  if (s0 == "preferences" && call.segments.size() == 1) {
    if (call.method == "GET")
      return ApiResult{200, Json{{"Preferences", Find("Preferences", "1")->obj}, {"time", time}}, false};
    auto body = ParseJson(call.body);
    if (!body.ok() || !body->is_object())
      return FaultResult(ErrUnsupportedProperty("body", "is not a JSON object"), time);
    Outcome<Json> r = UpdatePreferences(*body);
    if (!r.ok()) return FaultResult(r.error(), time);
    return ApiResult{200, Json{{"Preferences", r.value()}, {"time", time}}, false};
  }
  const EntityInfo* e = EntityBySegment(s0);
  if (!e || e->kind == EntityKind::kSingleton) return unsupported();
  if (call.method == "GET") {
    if (call.segments.size() != 2) return unsupported();
    Outcome<Json> r = Read(*e, call.segments[1]);
    if (!r.ok()) return FaultResult(r.error(), time);
    return ApiResult{200, Json{{std::string(e->name), r.value()}, {"time", time}}, false};
  }
  if (call.method != "POST" || call.segments.size() != 1) return unsupported();
  return WriteCall(*e, call);
}

ApiResult Company::WriteCall(const EntityInfo& e, const ApiCall& call) {
  const std::string time = EnvelopeTime();
  if (!IsValidUtf8(call.body))
    return FaultResult(ErrUnsupportedProperty("Invalid UTF-8 byte sequence", "specified is unsupported or invalid"), time);
  auto parsed = ParseJson(call.body);
  if (!parsed.ok())
    return FaultResult(ErrUnsupportedProperty("body", "is not valid JSON: " + parsed.status().message()), time);
  if (!parsed->is_object())
    return FaultResult(ErrUnsupportedProperty("body", "must be a JSON object"), time);
  const Json& body = *parsed;
  std::string operation, include;
  if (auto it = call.params.find("operation"); it != call.params.end()) operation = Lower(it->second);
  if (auto it = call.params.find("include"); it != call.params.end()) include = Lower(it->second);
  WriteOp op;
  if (operation == "delete") op = WriteOp::kDelete;
  else if (operation == "void" || include.find("void") != std::string::npos) op = WriteOp::kVoid;
  else if (operation == "update" || body.contains("Id")) op = WriteOp::kUpdate;
  else if (operation.empty() || operation == "create") op = WriteOp::kCreate;
  else return FaultResult(ErrUnsupportedOperation("operation=" + operation + " is not supported"), time);
  Outcome<Json> r = Write(e, op, body);
  if (!r.ok()) return FaultResult(r.error(), time);
  return ApiResult{200, Json{{std::string(e.name), r.value()}, {"time", time}}, false};
}

Outcome<Json> Company::Write(const EntityInfo& e, WriteOp op, const Json& body) {
  if (!body.is_object()) return ErrUnsupportedProperty(e.name, "must be a JSON object");
  if (e.kind == EntityKind::kReadOnlyList || e.kind == EntityKind::kSingleton)
    return ErrUnsupportedOperation("write is not supported for " + std::string(e.name) +
                                   (e.name == "TaxCode" ? " (use /taxservice/taxcode)" : ""));
  if ((op == WriteOp::kDelete || op == WriteOp::kVoid) && e.kind != EntityKind::kTransaction)
    return ErrUnsupportedOperation(std::string(op == WriteOp::kDelete ? "delete" : "void") +
                                   " is not supported for " + std::string(e.name) +
                                   "; deactivate it with a sparse update setting Active to false");
  switch (op) {
    case WriteOp::kCreate: return Create(e, body);
    case WriteOp::kUpdate: return Update(e, body);
    case WriteOp::kDelete: return DeleteTxn(e, body);
    case WriteOp::kVoid: return VoidTxn(e, body);
  }
  return ErrSystem(500);
}

Outcome<Json> Company::Normalize(const EntityInfo& e, const Json& in, const Record* existing,
                                 const Json& request) {
  if (e.name == "Customer") return NormalizeCustomer(in, existing);
  if (e.name == "Item") return NormalizeItem(in, existing, request);
  if (e.name == "Account") return NormalizeAccount(in, existing);
  if (e.name == "PaymentMethod") return NormalizePaymentMethod(in, existing);
  if (e.name == "Payment") return NormalizePayment(in, existing);
  bool unused = false;
  return NormalizeSalesForm(e, in, existing, request, &unused);
}

Outcome<Json> Company::Create(const EntityInfo& e, const Json& body) {
  if (auto err = CheckUnknownFields(e, body)) return *err;
  Json in = Json::object();
  for (auto it = body.begin(); it != body.end(); ++it)
    if (!IsSystemField(it.key())) in[it.key()] = it.value();
  bool tax_override = false;
  Outcome<Json> norm = IsSalesForm(e.name) ? NormalizeSalesForm(e, in, nullptr, body, &tax_override)
                                           : Normalize(e, in, nullptr, body);
  if (!norm.ok()) return norm.error();
  std::string id = NewId(e.name);
  Record& r = Store(e, id, std::move(norm.value()), true);
  r.tax_override = tax_override;
  if (e.name == "Payment") ApplyPayment(id, nullptr, &r.obj);
  return r.obj;
}

Outcome<Company::Record*> Company::Existing(const EntityInfo& e, const Json& body, bool check_token) {
  auto id_it = body.find("Id");
  if (id_it == body.end()) return ErrRequiredParam("Id");
  std::string id = TokenText(*id_it);
  if (!IsDigits(id)) return ErrInvalidId(id_it->is_string() ? id : id_it->dump());
  Table& t = table(e.name);
  auto row = t.rows.find(id);
  if (row == t.rows.end() || row->second.deleted) return ErrObjectNotFound(e.name, id);
  if (check_token) {
    auto tok = body.find("SyncToken");
    if (tok == body.end()) return ErrRequiredParam("SyncToken");
    if (TokenText(*tok) != row->second.obj.value("SyncToken", "")) return ErrStaleObject();
  }
  return &row->second;
}

Outcome<Json> Company::Update(const EntityInfo& e, const Json& body) {
  Outcome<Record*> ex = Existing(e, body, true);
  if (!ex.ok()) return ex.error();
  if (auto err = CheckUnknownFields(e, body)) return *err;
  Record* existing = ex.value();
  const std::string id = existing->obj["Id"].get<std::string>();
  auto sparse_it = body.find("sparse");
  if (sparse_it != body.end() && !sparse_it->is_boolean()) return ErrUnsupportedProperty("sparse", "must be true or false");
  const bool sparse = sparse_it != body.end() && sparse_it->get<bool>();
  Json in = Json::object();
  if (sparse) {
    for (auto it = existing->obj.begin(); it != existing->obj.end(); ++it)
      if (!IsSystemField(it.key())) in[it.key()] = it.value();
  }
  for (auto it = body.begin(); it != body.end(); ++it)
    if (!IsSystemField(it.key())) in[it.key()] = it.value();
  bool tax_override = existing->tax_override;
  Outcome<Json> norm = IsSalesForm(e.name)
                           ? NormalizeSalesForm(e, in, existing, body, &tax_override)
                           : Normalize(e, in, existing, body);
  if (!norm.ok()) return norm.error();
  if (auto err = CheckAppliedWithin(e, id, norm.value())) return *err;
  Json old = existing->obj;
  Record& r = Store(e, id, std::move(norm.value()), false);
  r.tax_override = tax_override;
  if (e.name == "Payment") ApplyPayment(id, &old, &r.obj);
  return r.obj;
}

Outcome<Json> Company::DeleteTxn(const EntityInfo& e, const Json& body) {
  Outcome<Record*> ex = Existing(e, body, true);
  if (!ex.ok()) return ex.error();
  Record* r = ex.value();
  const std::string id = r->obj["Id"].get<std::string>();
  if (e.name == "Payment") ApplyPayment(id, &r->obj, nullptr);
  if (e.name == "Invoice" || e.name == "CreditMemo") UnlinkTarget(e.name, id);
  Contribution before = Contribute(e.name, r);
  r->deleted = true;
  r->updated_ms = now_ms();
  Retally(e.name, before, Contribution{});
  ++writes_;
  Changed(e.name, id, "Delete");
  return Json{{"domain", "QBO"}, {"status", "Deleted"}, {"Id", id}};
}

Outcome<Json> Company::VoidTxn(const EntityInfo& e, const Json& body) {
  Outcome<Record*> ex = Existing(e, body, true);
  if (!ex.ok()) return ex.error();
  Record* r = ex.value();
  const std::string id = r->obj["Id"].get<std::string>();
  if (e.name == "Payment") ApplyPayment(id, &r->obj, nullptr);
  if (e.name == "Invoice" || e.name == "CreditMemo") UnlinkTarget(e.name, id);
  Json obj = r->obj;
  ZeroAmounts(obj);
  obj["PrivateNote"] = "Voided";
  Record& stored = Store(e, id, std::move(obj), false);
  Contribution before = Contribute(e.name, &stored);
  stored.voided = true;
  Retally(e.name, before, Contribute(e.name, &stored));
  if (!changes_.empty() && changes_.back().id == id) changes_.back().operation = "Void";
  return stored.obj;
}

Outcome<Json> Company::Read(const EntityInfo& e, const std::string& id) const {
  bool pseudo = e.name == "TaxCode" && (id == "TAX" || id == "NON");
  if (!pseudo && !IsDigits(id)) return ErrInvalidId(id);
  const Record* r = Find(e.name, id);
  if (!r || r->deleted) return ErrObjectNotFound(e.name, id);
  return r->obj;
}

Company::Record& Company::Store(const EntityInfo& e, const std::string& id, Json obj, bool created) {
  Table& t = table(e.name);
  Record& r = t.rows[id];
  Contribution before;
  if (e.kind == EntityKind::kTransaction && !created) before = Contribute(e.name, &r);
  const int64_t now = now_ms();
  std::string create_time = Timestamp(now);
  std::string sync = "0";
  if (!created) {
    create_time = r.obj.contains("MetaData") ? r.obj["MetaData"].value("CreateTime", create_time) : create_time;
    sync = std::to_string(std::stoll(r.obj.value("SyncToken", "0")) + 1);
    auto old_doc = r.obj.find("DocNumber");
    if (old_doc != r.obj.end() && old_doc->is_string()) {
      auto range = t.doc_numbers.equal_range(Lower(old_doc->get<std::string>()));
      for (auto it = range.first; it != range.second; ++it)
        if (it->second == id) {
          t.doc_numbers.erase(it);
          break;
        }
    }
    if (!e.name_field.empty()) {
      auto old = r.obj.find(std::string(e.name_field));
      if (old != r.obj.end() && old->is_string()) {
        auto n = t.names.find(Lower(old->get<std::string>()));
        if (n != t.names.end() && n->second == id) t.names.erase(n);
      }
    }
  }
  obj["Id"] = id;
  obj["SyncToken"] = sync;
  obj["domain"] = "QBO";
  obj["sparse"] = false;
  obj["MetaData"] = Json{{"CreateTime", create_time}, {"LastUpdatedTime", Timestamp(now)}};
  r.obj = std::move(obj);
  if (auto doc = r.obj.find("DocNumber"); doc != r.obj.end() && doc->is_string())
    t.doc_numbers.emplace(Lower(doc->get<std::string>()), id);
  r.deleted = false;
  r.updated_ms = now;
  if (!e.name_field.empty() && r.obj.value("Active", true)) {
    auto n = r.obj.find(std::string(e.name_field));
    if (n != r.obj.end() && n->is_string()) t.names[Lower(n->get<std::string>())] = id;
  }
  if (e.kind == EntityKind::kTransaction) Retally(e.name, before, Contribute(e.name, &r));
  ++writes_;
  Changed(e.name, id, created ? "Create" : "Update");
  return r;
}

void Company::Bump(const EntityInfo& e, const std::string& id, Record& r) {
  (void)e;
  const int64_t now = now_ms();
  r.obj["SyncToken"] = std::to_string(std::stoll(r.obj.value("SyncToken", "0")) + 1);
  r.obj["MetaData"]["LastUpdatedTime"] = Timestamp(now);
  r.updated_ms = now;
  Changed(e.name, id, "Update");
}

}  // namespace es::qbo::sandbox
