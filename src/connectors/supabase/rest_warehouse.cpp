#include "connectors/supabase/rest_warehouse.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "connectors/supabase/pg_warehouse.h"
#include "connectors/supabase/rest_protocol.h"
#include "http/url.h"

namespace es::supabase {
namespace {

constexpr size_t kIdsPerLookup = 80;
constexpr size_t kParentsPerDelete = 25;

bool IsRetryable(const Status& s) { return s.IsNetwork() || s.IsRateLimit(); }

std::string Param(const std::string& key, const std::string& value) { return key + "=" + http::PercentEncode(value); }

int64_t ParseContentRangeTotal(const std::string& header) {
  // "0-24/3573458", "*/0"
  size_t slash = header.rfind('/');
  if (slash == std::string::npos || slash + 1 >= header.size() || header[slash + 1] == '*') return -1;
  int64_t n = 0;
  for (size_t i = slash + 1; i < header.size(); ++i) {
    if (header[i] < '0' || header[i] > '9') return -1;
    n = n * 10 + (header[i] - '0');
  }
  return n;
}

}  // namespace

RestWarehouse::RestWarehouse(WarehouseConfig config, http::Transport& transport, Clock& clock)
    : config_(std::move(config)), transport_(transport), clock_(clock) {
  base_ = http::JoinUrl(config_.rest_url, "/rest/v1/");
}

Result<http::Response> RestWarehouse::Send(const std::string& method, const std::string& table,
                                           const std::string& query, const std::string& body,
                                           const std::string& prefer) {
  http::Request req;
  req.method = method;
  req.url = base_ + table + (query.empty() ? "" : "?" + query);
  req.body = body;
  req.timeout = std::chrono::milliseconds(60'000);
  req.headers.emplace_back("apikey", config_.service_key);
  if (config_.service_key.rfind("sb_secret_", 0) != 0)
    req.headers.emplace_back("Authorization", "Bearer " + config_.service_key);
  req.headers.emplace_back("User-Agent", "easysale-sync");
  req.headers.emplace_back("Accept", "application/json");
  if (config_.schema != "public") {
    req.headers.emplace_back("Accept-Profile", config_.schema);
    if (method != "GET" && method != "HEAD") req.headers.emplace_back("Content-Profile", config_.schema);
  }
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  if (!prefer.empty()) req.headers.emplace_back("Prefer", prefer);

  int64_t wait = config_.retry_initial_ms;
  for (int attempt = 1;; ++attempt) {
    ++requests_;
    auto res = transport_.Send(req);
    Status s;
    std::string unreachable;  // why the API could not be reached at all
    if (!res.ok()) {
      s = res.status();
      if (http::IsTransportFailure(s)) {
        unreachable = http::DescribeTransportFailure(s).text;  // one line with what to check, below
      } else {
        s = s.WithContext("warehouse REST API " + method + " " + table);
      }
    } else if (res->status >= 200 && res->status < 300) {
      return res;
    } else {
      std::optional<int64_t> retry_after;
      std::string ra = res->Header("Retry-After");
      if (!ra.empty() && ra.find_first_not_of("0123456789") == std::string::npos && ra.size() < 7)
        retry_after = std::stoll(ra) * 1000;
      s = StatusFromRestError(res->status, res->body, table, retry_after);
    }
    if (!IsRetryable(s) || attempt >= config_.max_attempts) {
      if (!unreachable.empty())
        return Status::Network("warehouse REST API unreachable at " + config_.rest_url + " (" + unreachable +
                                   (attempt > 1 ? "; " + std::to_string(attempt) + " attempts" : std::string()) +
                                   ") — check the connection's rest_url",
                               s.code());
      if (IsRetryable(s) && attempt > 1)
        return s.WithContext("gave up after " + std::to_string(attempt) + " attempts");
      return s;
    }
    clock_.SleepMillis(s.retry_after_ms().value_or(wait));
    wait = std::min<int64_t>(wait * 2, 5'000);
  }
}

Status RestWarehouse::Prepare() {
  if (prepared_) return Status::Ok();
  auto res = Send("GET", "schema_migrations", "select=version&order=version.desc&limit=1", "", "");
  if (!res.ok()) {
    if (res.status().IsNotFound() && res.status().code() != "PGRST106")
      return Status::NotFound("warehouse table 'schema_migrations' does not exist in schema '" + config_.schema +
                                  "' (run migrations: the REST API cannot create tables; use mode direct once or "
                                  "apply src/connectors/supabase/migrations)",
                              "missing_table");
    return res.status();
  }
  auto parsed = ParseJson(res->body);
  int version = 0;
  if (parsed.ok() && parsed->is_array() && !parsed->empty()) version = static_cast<int>(GetIntOr((*parsed)[0], "version", 0));
  if (version < RequiredSchemaVersion())
    return Status::Validation("warehouse schema version " + std::to_string(version) + " is older than version " +
                                  std::to_string(RequiredSchemaVersion()) + " that this binary writes (run migrations)",
                              "schema_version");
  for (Table t : AllTables()) {
    auto r = Send("GET", TableName(t), "select=source_id&limit=0", "", "");
    if (!r.ok()) return r.status();
  }
  prepared_ = true;
  return Status::Ok();
}

Status RestWarehouse::Ping() {
  auto res = Send("GET", "schema_migrations", "select=version&limit=1", "", "");
  return res.ok() ? Status::Ok() : res.status();
}

Result<std::string> RestWarehouse::RowJson(const Row& row, const std::string& hash,
                                           const std::string& synced_at) const {
  const TableSpec& spec = Spec(row.table);
  std::string out = "{";
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const ColumnSpec& c = spec.columns[i];
    AppendJsonString(&out, c.name);
    out += ':';
    const auto& v = row.values[i];
    if (!v) {
      out += "null";
    } else if (c.kind == ColumnKind::kBool) {
      out += (*v == "true" || *v == "t") ? "true" : "false";
    } else if (c.kind == ColumnKind::kInt) {
      if (v->empty() || v->find_first_not_of("-0123456789") != std::string::npos)
        return Status::Validation(spec.name + "." + c.name + ": '" + *v + "' is not an integer", "pg:22P02");
      out += *v;
    } else if (c.kind == ColumnKind::kJson) {
      if (!IsValidUtf8(*v)) return Status::Validation(spec.name + "." + c.name + ": invalid UTF-8", "pg:22021");
      out += *v;
    } else if (!AppendJsonString(&out, *v)) {
      return Status::Validation(spec.name + "." + c.name + ": invalid UTF-8", "pg:22021");
    }
    out += ',';
  }
  out += "\"content_hash\":\"" + hash + "\",\"synced_at\":\"" + synced_at + "\"}";
  return out;
}

Status RestWarehouse::PostRows(Table table, const std::vector<std::string>& objects) {
  std::string body = "[";
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i) body += ',';
    body += objects[i];
  }
  body += ']';
  auto res = Send("POST", TableName(table), "on_conflict=source,source_id", body,
                  "resolution=merge-duplicates,return=minimal");
  return res.ok() ? Status::Ok() : res.status();
}

Result<UpsertResult> RestWarehouse::Upsert(Table table, const std::vector<Row>& rows) {
  ES_RETURN_IF_ERROR(Prepare());
  const TableSpec& spec = Spec(table);
  UpsertResult out;
  out.outcomes.resize(rows.size());
  if (rows.empty()) return out;

  // Deduplicate (last one wins) and group by source.
  std::unordered_map<std::string, size_t> last;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].table != table || rows[i].values.size() != spec.columns.size())
      return Status::Internal("row " + std::to_string(i) + " does not belong to warehouse table '" + spec.name + "'");
    last[rows[i].source() + '\x1f' + rows[i].source_id()] = i;
  }
  std::map<std::string, std::vector<size_t>> by_source;
  std::vector<std::string> hashes(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (last[rows[i].source() + '\x1f' + rows[i].source_id()] != i) continue;
    by_source[rows[i].source()].push_back(i);
    hashes[i] = ContentHash(rows[i]);
  }

  // Which rows are new, changed or the same as stored.
  std::vector<size_t> to_write;
  for (const auto& [source, idxs] : by_source) {
    std::unordered_map<std::string, std::string> stored;
    for (size_t start = 0; start < idxs.size(); start += kIdsPerLookup) {
      std::vector<std::string> ids;
      for (size_t k = start; k < std::min(start + kIdsPerLookup, idxs.size()); ++k)
        ids.push_back(rows[idxs[k]].source_id());
      std::string q = "select=source_id,content_hash&" + Param("source", "eq." + source) + "&" +
                      Param("source_id", "in." + InList(ids));
      auto res = Send("GET", spec.name, q, "", "");
      if (!res.ok()) return res.status();
      auto arr = ParseJson(res->body);
      if (!arr.ok() || !arr->is_array())
        return Status::Internal("warehouse REST API (" + spec.name + "): answer to a hash lookup is not a JSON array");
      for (const Json& j : *arr) stored[GetStringOr(j, "source_id")] = GetStringOr(j, "content_hash");
    }
    for (size_t i : idxs) {
      auto it = stored.find(rows[i].source_id());
      if (it == stored.end()) {
        out.outcomes[i].kind = RowOutcome::Kind::kInserted;
        to_write.push_back(i);
      } else if (it->second != hashes[i]) {
        out.outcomes[i].kind = RowOutcome::Kind::kUpdated;
        to_write.push_back(i);
      }
    }
  }

  const std::string now = FormatIso8601Utc(clock_.NowMillis());
  std::vector<std::string> objects(rows.size());
  std::vector<size_t> ready;
  for (size_t i : to_write) {
    auto j = RowJson(rows[i], hashes[i], now);
    if (!j.ok()) {
      out.outcomes[i] = {RowOutcome::Kind::kFailed,
                         Status::Validation("warehouse refused " + spec.name + " row " + rows[i].source_id() + ": " +
                                                j.status().message(),
                                            j.status().code())};
      continue;
    }
    objects[i] = std::move(*j);
    ready.push_back(i);
  }
  const size_t per = static_cast<size_t>(config_.rest_batch_rows);
  for (size_t start = 0; start < ready.size(); start += per) {
    std::vector<size_t> chunk(ready.begin() + static_cast<std::ptrdiff_t>(start),
                              ready.begin() + static_cast<std::ptrdiff_t>(std::min(start + per, ready.size())));
    std::vector<std::string> body;
    for (size_t i : chunk) body.push_back(objects[i]);
    Status s = PostRows(table, body);
    if (s.ok()) continue;
    if (!IsRowLevelError(s)) return s;
    // Row by row, so that only the refused rows fail.
    for (size_t i : chunk) {
      Status one = chunk.size() == 1 ? s : PostRows(table, {objects[i]});
      if (one.ok()) continue;
      if (!IsRowLevelError(one)) return one;
      const std::string why = "warehouse refused " + spec.name + " row " + rows[i].source_id() + ": " + one.message();
      out.outcomes[i] = {RowOutcome::Kind::kFailed, one.IsConflict() ? Status::Conflict(why, one.code())
                                                                     : Status::Validation(why, one.code())};
    }
  }
  for (const auto& o : out.outcomes) {
    switch (o.kind) {
      case RowOutcome::Kind::kInserted: ++out.inserted; break;
      case RowOutcome::Kind::kUpdated: ++out.updated; break;
      case RowOutcome::Kind::kUnchanged: ++out.unchanged; break;
      case RowOutcome::Kind::kFailed: ++out.failed; break;
    }
  }
  return out;
}

Result<int64_t> RestWarehouse::DeleteStale(Table table, const std::string& source, const std::string& parent_column,
                                           const std::vector<std::string>& parent_ids,
                                           const std::vector<std::string>& keep_ids) {
  const TableSpec& spec = Spec(table);
  if (spec.Index(parent_column) < 2)
    return Status::Internal("warehouse table '" + spec.name + "' has no column '" + parent_column + "'");
  if (parent_ids.empty()) return int64_t{0};
  ES_RETURN_IF_ERROR(Prepare());
  int64_t deleted = 0;
  for (size_t start = 0; start < parent_ids.size(); start += kParentsPerDelete) {
    std::vector<std::string> parents(parent_ids.begin() + static_cast<std::ptrdiff_t>(start),
                                     parent_ids.begin() + static_cast<std::ptrdiff_t>(
                                                              std::min(start + kParentsPerDelete, parent_ids.size())));
    // Keep ids of these parents only ("<parent>:<child>"); ids of another
    // shape are kept everywhere.
    std::vector<std::string> keep;
    for (const auto& k : keep_ids) {
      size_t colon = k.find(':');
      if (colon == std::string::npos ||
          std::find(parents.begin(), parents.end(), k.substr(0, colon)) != parents.end())
        keep.push_back(k);
    }
    std::string q = Param("source", "eq." + source) + "&" + Param(parent_column, "in." + InList(parents));
    if (!keep.empty()) q += "&" + Param("source_id", "not.in." + InList(keep));
    auto res = Send("DELETE", spec.name, q, "", "return=representation");
    if (!res.ok()) return res.status();
    auto arr = ParseJson(res->body);
    if (arr.ok() && arr->is_array()) deleted += static_cast<int64_t>(arr->size());
  }
  return deleted;
}

Result<int64_t> RestWarehouse::CountRows(Table table, const std::string& source) {
  std::string q = "select=source_id&limit=1";
  if (!source.empty()) q += "&" + Param("source", "eq." + source);
  auto res = Send("GET", TableName(table), q, "", "count=exact");
  if (!res.ok()) return res.status();
  int64_t n = ParseContentRangeTotal(res->Header("Content-Range"));
  if (n < 0) return Status::Internal("warehouse REST API (" + TableName(table) + "): no row count in Content-Range");
  return n;
}

}  // namespace es::supabase
