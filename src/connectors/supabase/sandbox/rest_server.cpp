#include "connectors/supabase/sandbox/rest_server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/json.h"
#include "connectors/supabase/pg_warehouse.h"
#include "connectors/supabase/rest_protocol.h"
#include "connectors/supabase/sandbox/rest_sql.h"

namespace es::supabase::sandbox {
namespace {

constexpr int kThreads = 8;
constexpr char kPrefix[] = "/rest/v1/";

void SendJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, const RestError& e) {
  SendJson(res, e.http, RestErrorBody(e.code, e.message, e.details, e.hint));
}

// Gateway errors have no code: {message, hint}.
void SendGatewayError(httplib::Response& res, const std::string& message, const std::string& hint) {
  Json j = {{"message", message}, {"hint", hint}};
  SendJson(res, 401, j.dump());
}

// All Prefer headers, "k=v" tokens → map.
std::map<std::string, std::string> Preferences(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  auto range = req.headers.equal_range("Prefer");
  for (auto it = range.first; it != range.second; ++it) {
    std::string v = it->second;
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      std::string tok = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      size_t b = tok.find_first_not_of(' '), e = tok.find_last_not_of(' ');
      if (b != std::string::npos) {
        tok = tok.substr(b, e - b + 1);
        size_t eq = tok.find('=');
        if (eq != std::string::npos) out[tok.substr(0, eq)] = tok.substr(eq + 1);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

bool ParseCount(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  *out = std::stoll(text);
  return true;
}

}  // namespace

struct RestServer::Impl {
  explicit Impl(Options o) : options(std::move(o)) {}

  bool Authorize(const httplib::Request& req, httplib::Response& res) {
    std::string key = req.get_header_value("apikey");
    if (key.empty() && req.has_param("apikey")) key = req.get_param_value("apikey");
    if (key.empty()) {
      SendGatewayError(res, "No API key found in request", "No `apikey` request header or url param was found.");
      return false;
    }
    if (!crypto::ConstantTimeEquals(key, options.service_key)) {
      SendGatewayError(res, "Invalid API key", "Double check your Supabase `anon` or `service_role` API key.");
      return false;
    }
    std::string auth = req.get_header_value("Authorization");
    if (!auth.empty()) {
      const std::string bearer = "Bearer ";
      if (auth.rfind(bearer, 0) != 0 ||
          !crypto::ConstantTimeEquals(auth.substr(bearer.size()), options.service_key)) {
        SendError(res, {401, "PGRST301", "No suitable key or wrong key type", "", ""});
        return false;
      }
    }
    return true;
  }

  bool CheckProfile(const httplib::Request& req, httplib::Response& res) {
    const bool read = req.method == "GET" || req.method == "HEAD";
    std::string profile = req.get_header_value(read ? "Accept-Profile" : "Content-Profile");
    if (profile.empty() || profile == options.schema) return true;
    SendError(res, {406, "PGRST106", "The schema must be one of the following: " + options.schema, "", ""});
    return false;
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    ++requests;
    const std::string path = req.path;
    if (path.rfind(kPrefix, 0) != 0) {
      SendJson(res, 404, R"({"message":"no Route matched with those values"})");
      return;
    }
    if (!Authorize(req, res) || !CheckProfile(req, res)) return;
    const std::string table = path.substr(sizeof(kPrefix) - 1);
    if (!IsPlainIdentifier(table)) {
      SendError(res, TableNotFound(options.schema, table));
      return;
    }
    std::optional<RestError> err;
    std::optional<TableInfo> info = db->Describe(options.schema, table, &err);
    if (err) return SendError(res, *err);
    if (!info) return SendError(res, TableNotFound(options.schema, table));
    if (req.method == "GET" || req.method == "HEAD") return Get(req, res, *info);
    if (req.method == "POST") return Post(req, res, *info);
    if (req.method == "DELETE") return Delete(req, res, *info);
    SendError(res, {405, "PGRST117", "Unsupported HTTP method: " + req.method, "", ""});
  }

  static bool Reserved(const std::string& key) {
    static const std::set<std::string> kReserved = {"select", "order", "limit", "offset", "on_conflict", "columns",
                                                    "apikey"};
    return kReserved.count(key) > 0;
  }

  static std::vector<std::pair<std::string, std::string>> Filters(const httplib::Request& req) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [k, v] : req.params)
      if (!Reserved(k)) out.emplace_back(k, v);
    return out;
  }

  void Get(const httplib::Request& req, httplib::Response& res, const TableInfo& t) {
    std::string cols, where, order;
    SqlParams params;
    if (auto e = SelectList(t, req.get_param_value("select"), &cols)) return SendError(res, *e);
    if (auto e = WhereClause(t, Filters(req), &params, &where)) return SendError(res, *e);
    if (auto e = OrderClause(t, req.get_param_value("order"), &order)) return SendError(res, *e);
    int64_t limit = options.max_rows, offset = 0;
    if (req.has_param("limit") && !ParseCount(req.get_param_value("limit"), &limit))
      return SendError(res, {400, "PGRST100", "\"failed to parse limit\"", "", ""});
    if (req.has_param("offset") && !ParseCount(req.get_param_value("offset"), &offset))
      return SendError(res, {400, "PGRST100", "\"failed to parse offset\"", "", ""});
    limit = std::min<int64_t>(limit, options.max_rows);
    const std::string inner = "SELECT " + cols + " FROM " + t.Qualified() + where + order + " LIMIT " +
                              std::to_string(limit) + " OFFSET " + std::to_string(offset);
    DbResult r = db->Run("SELECT coalesce(json_agg(q), '[]'::json)::text, count(*) FROM (" + inner + ") q", params,
                         false);
    if (r.error) return SendError(res, *r.error);
    std::string total = "*";
    auto prefs = Preferences(req);
    if (prefs.count("count")) {
      DbResult c = db->Run("SELECT count(*) FROM " + t.Qualified() + where, params, false);
      if (c.error) return SendError(res, *c.error);
      total = c.rows.empty() ? "0" : c.rows[0][0].value_or("0");
    }
    const int64_t n = r.rows.empty() ? 0 : std::stoll(r.rows[0][1].value_or("0"));
    res.set_header("Content-Range", n > 0 ? std::to_string(offset) + "-" + std::to_string(offset + n - 1) + "/" + total
                                          : "*/" + total);
    SendJson(res, 200, req.method == "HEAD" ? std::string() : r.rows.empty() ? "[]" : r.rows[0][0].value_or("[]"));
  }

  void Post(const httplib::Request& req, httplib::Response& res, const TableInfo& t) {
    auto parsed = ParseJson(req.body);
    if (!parsed.ok() || !(parsed->is_object() || parsed->is_array()))
      return SendError(res, {400, "PGRST102", "Empty or invalid json", "", ""});
    const std::string body = parsed->is_object() ? "[" + req.body + "]" : req.body;
    Json rows = parsed->is_object() ? Json::array({*parsed}) : *parsed;
    for (const Json& r : rows)
      if (!r.is_object()) return SendError(res, {400, "PGRST102", "Empty or invalid json", "", ""});
    std::vector<std::string> cols;
    if (req.has_param("columns")) {
      if (auto e = ColumnList(t, req.get_param_value("columns"), &cols)) return SendError(res, *e);
    } else if (!rows.empty()) {
      std::set<std::string> keys;
      for (auto it = rows[0].begin(); it != rows[0].end(); ++it) keys.insert(it.key());
      for (const Json& r : rows) {
        std::set<std::string> k;
        for (auto it = r.begin(); it != r.end(); ++it) k.insert(it.key());
        if (k != keys) return SendError(res, {400, "PGRST102", "All object keys must match", "", ""});
      }
      for (const auto& k : keys) {
        if (t.Find(k) == nullptr) return SendError(res, ColumnNotFound(t.name, k));
        cols.push_back(k);
      }
    }
    auto prefs = Preferences(req);
    const std::string resolution = prefs.count("resolution") ? prefs["resolution"] : "";
    const bool representation = prefs.count("return") && prefs["return"] == "representation";
    if (rows.empty() || cols.empty()) {
      res.status = 201;
      if (representation) res.set_content("[]", "application/json; charset=utf-8");
      return;
    }
    for (const auto& c : cols)
      if (t.Find(c)->generated_always)
        return SendError(res, {400, "428C9", "cannot insert a non-DEFAULT value into column \"" + c + "\"",
                               "Column \"" + c + "\" is an identity column defined as GENERATED ALWAYS.",
                               "Use OVERRIDING SYSTEM VALUE to override."});
    std::vector<std::string> conflict = t.primary_key;
    if (req.has_param("on_conflict"))
      if (auto e = ColumnList(t, req.get_param_value("on_conflict"), &conflict)) return SendError(res, *e);
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + QuoteIdent(c);
    std::string sql = "INSERT INTO " + t.Qualified() + " AS t (" + list + ") SELECT " + list +
                      " FROM json_populate_recordset(NULL::" + t.Qualified() + ", $1::json)";
    if (resolution == "merge-duplicates" || resolution == "ignore-duplicates") {
      std::string target;
      for (const auto& c : conflict) target += (target.empty() ? "" : ", ") + QuoteIdent(c);
      if (target.empty()) return SendError(res, {400, "42P10", "there is no unique or exclusion constraint matching "
                                                                "the ON CONFLICT specification", "", ""});
      sql += " ON CONFLICT (" + target + ") ";
      if (resolution == "ignore-duplicates") {
        sql += "DO NOTHING";
      } else {
        std::string sets;
        for (const auto& c : cols) sets += (sets.empty() ? "" : ", ") + QuoteIdent(c) + " = EXCLUDED." + QuoteIdent(c);
        sql += "DO UPDATE SET " + sets;
      }
    }
    std::string shape = "row_to_json(t)";
    if (representation && req.has_param("select") && req.get_param_value("select") != "*") {
      std::vector<std::string> wanted;
      if (auto e = ColumnList(t, req.get_param_value("select"), &wanted)) return SendError(res, *e);
      shape = "json_build_object(";
      for (size_t i = 0; i < wanted.size(); ++i) {
        std::string lit = wanted[i];  // a catalogue column name: letters, digits, '_' in practice
        for (size_t p = 0; (p = lit.find('\'', p)) != std::string::npos; p += 2) lit.insert(p, "'");
        shape += (i ? ", '" : "'") + lit + "', t." + QuoteIdent(wanted[i]);
      }
      shape += ")";
    }
    sql += " RETURNING (t.xmax = 0)::text, " + shape + "::text";
    DbResult r = db->Run(sql, {body}, true);
    if (r.error) return SendError(res, *r.error);
    bool inserted = false;
    std::string out = "[";
    for (const auto& row : r.rows) {
      inserted = inserted || row[0].value_or("") == "true";
      if (representation) out += (out.size() > 1 ? "," : "") + row[1].value_or("null");
    }
    out += "]";
    if (!resolution.empty()) res.set_header("Preference-Applied", "resolution=" + resolution);
    const int status = (resolution.empty() || inserted) ? 201 : 200;
    if (representation) {
      SendJson(res, status, out);
    } else {
      res.status = status;
    }
  }

  void Delete(const httplib::Request& req, httplib::Response& res, const TableInfo& t) {
    std::string where;
    SqlParams params;
    if (auto e = WhereClause(t, Filters(req), &params, &where)) return SendError(res, *e);
    DbResult r = db->Run("DELETE FROM " + t.Qualified() + " AS t" + where + " RETURNING row_to_json(t)::text", params,
                         true);
    if (r.error) return SendError(res, *r.error);
    auto prefs = Preferences(req);
    if (prefs.count("return") && prefs["return"] == "representation") {
      std::string out = "[";
      for (const auto& row : r.rows) out += (out.size() > 1 ? "," : "") + row[0].value_or("null");
      SendJson(res, 200, out + "]");
    } else {
      res.status = 204;
    }
  }

  Options options;
  std::unique_ptr<store::postgres::ConnectionPool> pool;
  std::unique_ptr<Db> db;
  std::atomic<uint64_t> requests{0};
  std::mutex lifecycle_mu;
  std::unique_ptr<httplib::Server> http;
  std::thread thread;
  int port = 0;
  std::string base_url;
};

RestServer::RestServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
RestServer::~RestServer() { Stop(); }

Status RestServer::Start(int port, const std::string& host) {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mu);
  if (impl_->http) return Status::Internal("supabase REST sandbox already started");
  if (!IsPlainIdentifier(impl_->options.schema))
    return Status::Validation("supabase REST sandbox: schema '" + impl_->options.schema + "' is not a plain name");
  if (impl_->options.service_key.empty()) return Status::Validation("supabase REST sandbox: service key is empty");
  if (impl_->options.migrate) {
    WarehouseConfig wc;
    wc.url = impl_->options.pg_url;
    wc.schema = impl_->options.schema;
    PgWarehouse wh(wc, SystemClock::Get());
    ES_RETURN_IF_ERROR(wh.Prepare());
  }
  store::postgres::PoolOptions po;
  po.max_connections = std::max(1, impl_->options.pool_connections);
  po.application_name = "supabase-rest-sandbox";
  auto pool = store::postgres::ConnectionPool::Open(impl_->options.pg_url, po);
  if (!pool.ok()) return pool.status().WithContext("supabase REST sandbox");
  impl_->pool = std::move(*pool);
  impl_->db = std::make_unique<Db>(*impl_->pool);

  auto srv = std::make_unique<httplib::Server>();
  srv->new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  srv->set_keep_alive_timeout(2);
  srv->set_payload_max_length(64u << 20);
  Impl* impl = impl_.get();
  auto handler = [impl](const httplib::Request& req, httplib::Response& res) {
    try {
      impl->Handle(req, res);
    } catch (const std::exception& e) {
      SendError(res, {500, "PGRST000", std::string("sandbox internal error: ") + e.what(), "", ""});
    }
  };
  srv->Get(".*", handler);
  srv->Post(".*", handler);
  srv->Patch(".*", handler);
  srv->Put(".*", handler);
  srv->Delete(".*", handler);
  int bound = port;
  if (port == 0) {
    bound = srv->bind_to_any_port(host);
    if (bound < 0) return Status::Network("supabase REST sandbox: cannot bind " + host + " on a free port");
  } else if (!srv->bind_to_port(host, port)) {
    return Status::Network("supabase REST sandbox: cannot bind " + host + ":" + std::to_string(port));
  }
  impl_->port = bound;
  const std::string shown = (host == "0.0.0.0" || host.empty()) ? "127.0.0.1" : host;
  impl_->base_url = "http://" + shown + ":" + std::to_string(bound);
  httplib::Server* raw = srv.get();
  impl_->http = std::move(srv);
  impl_->thread = std::thread([raw] { raw->listen_after_bind(); });
  for (int i = 0; i < 5000 && !raw->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void RestServer::Stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mu);
  if (!impl_->http) return;
  impl_->http->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->http.reset();
}

int RestServer::port() const { return impl_->port; }
std::string RestServer::base_url() const { return impl_->base_url; }
uint64_t RestServer::requests_served() const { return impl_->requests; }

}  // namespace es::supabase::sandbox
