// QBO v3 requests: URLs, headers, 401 retry, Fault handling, query, batch, CDC.
// Token handling is in oauth.cpp.
#include "connectors/qbo/client.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

#include "common/json_writer.h"
#include "connectors/qbo/codec.h"
#include "connectors/qbo/request_id.h"

namespace es::qbo {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Status CheckEntity(const std::string& entity) {
  if (entity.empty()) return Status::Validation("QBO entity name is empty");
  for (char c : entity) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      return Status::Validation("QBO entity name '" + entity + "' must be alphanumeric");
    }
  }
  return Status::Ok();
}

Status CheckRequestId(const std::string& request_id, size_t max) {
  if (request_id.size() > max) {
    return Status::Validation("requestid '" + request_id + "' is " + std::to_string(request_id.size()) +
                              " characters; QBO allows at most " + std::to_string(max));
  }
  return Status::Ok();
}

// Copies `body` after checking it is an object holding Id and SyncToken.
Result<Json> UpdateBody(const std::string& entity, const Json& body) {
  if (!body.is_object()) return Status::Validation(entity + " update: body must be a JSON object");
  if (GetStringOr(body, "Id").empty()) return Status::Validation(entity + " update: field 'Id' is required");
  if (GetStringOr(body, "SyncToken").empty()) {
    return Status::Validation(entity + " update: field 'SyncToken' is required");
  }
  return body;
}

}  // namespace

std::string QuoteQueryString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string QueryEntity(std::string_view statement) {
  // Find the keyword FROM outside quoted literals, then read the next word.
  bool quoted = false;
  for (size_t i = 0; i < statement.size(); ++i) {
    char c = statement[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '\'') quoted = false;
      continue;
    }
    if (c == '\'') {
      quoted = true;
      continue;
    }
    bool word_start = i == 0 || std::isspace(static_cast<unsigned char>(statement[i - 1]));
    if (!word_start || i + 5 > statement.size() || Lower(statement.substr(i, 4)) != "from" ||
        !std::isspace(static_cast<unsigned char>(statement[i + 4]))) {
      continue;
    }
    size_t p = i + 4;
    while (p < statement.size() && std::isspace(static_cast<unsigned char>(statement[p]))) ++p;
    size_t e = p;
    while (e < statement.size() && std::isalnum(static_cast<unsigned char>(statement[e]))) ++e;
    return std::string(statement.substr(p, e - p));
  }
  return {};
}

Result<QueryPage> DecodeQueryResponse(const Json& qr, std::string_view entity) {
  QueryPage page;
  if (qr.is_null()) return page;
  if (!qr.is_object()) return Status::Validation("QueryResponse: expected a JSON object");
  const Json* rows = nullptr;
  if (!entity.empty()) {
    // QBO spells the key like the entity; match case-insensitively ("select * from customer").
    for (auto it = qr.begin(); it != qr.end(); ++it) {
      if (it->is_array() && Lower(it.key()) == Lower(entity)) rows = &*it;
    }
  }
  if (!rows) {
    for (auto it = qr.begin(); it != qr.end(); ++it) {
      if (it->is_array()) {
        rows = &*it;
        break;
      }
    }
  }
  if (rows) page.rows.assign(rows->begin(), rows->end());
  page.start_position = GetIntOr(qr, "startPosition", 1);
  page.max_results = GetIntOr(qr, "maxResults", static_cast<int64_t>(page.rows.size()));
  if (auto total = GetInt(qr, "totalCount"); total.ok()) page.total_count = *total;
  return page;
}

Client::Client(Config config, http::Transport& transport, Clock& clock, TokenStore& tokens)
    : config_(std::move(config)), transport_(transport), clock_(clock), tokens_(tokens) {}

std::string Client::PathFor(const std::string& path, const http::Params& extra) const {
  http::Params params{{"minorversion", std::to_string(config_.minor_version)}};
  params.insert(params.end(), extra.begin(), extra.end());
  return path + "?" + http::BuildQuery(params);
}

Result<http::Response> Client::SendRaw(const http::Request& request) {
  ++requests_sent_;
  return transport_.Send(request);
}

Result<http::Response> Client::Send(const std::string& method, const std::string& path_and_query,
                                    const std::string& body, const std::string& content_type) {
  http::Request req;
  req.method = method;
  req.url = http::JoinUrl(config_.api_base,
                          "/v3/company/" + http::PercentEncode(config_.realm_id) + "/" + path_and_query);
  req.body = body;
  ES_ASSIGN_OR_RETURN(std::string token, AccessToken());
  auto build_headers = [&](const std::string& bearer) {
    req.headers = {{"Authorization", "Bearer " + bearer}, {"Accept", "application/json"}};
    if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  };
  build_headers(token);
  auto resp = SendRaw(req);
  if (resp.ok() && resp->status == 401) {
    // Usually an expired or revoked access token: refresh once and resend the
    // identical request (same requestid, so a write is still not doubled).
    ES_RETURN_IF_ERROR(RefreshAfterUnauthorized(token));
    ES_ASSIGN_OR_RETURN(std::string fresh, AccessToken());
    build_headers(fresh);
    resp = SendRaw(req);
    token = fresh;
  }
  if (!resp.ok()) {
    Status failed = WithoutSecrets(resp.status(), {token});
    return http::IsTransportFailure(failed) ? Unreachable(failed, config_.api_base, "api_base") : failed;
  }
  return resp;
}

Result<Json> Client::Call(const std::string& method, const std::string& path_and_query, const std::string& body,
                          const std::string& what) {
  auto resp = Send(method, path_and_query, body, body.empty() ? std::string() : "application/json");
  if (!resp.ok()) {
    // Failures of the connection (unreachable, token refused) say so on their own.
    const Status& s = resp.status();
    return s.IsAuthentication() || http::IsTransportFailure(s) ? s : s.WithContext(what);
  }
  std::string tid = resp->Header("intuit_tid");
  auto fail = [&](Status s) {
    if (!tid.empty()) s = s.WithContext("intuit_tid " + tid);
    return s.WithContext(what);
  };
  if (resp->status < 200 || resp->status >= 300) {
    Status fault = fail(DecodeFault(resp->status, resp->body, resp->Header("Retry-After")));
    // Send refreshed once already after a 401: the connection itself is refused.
    if (fault.IsAuthentication() && (resp->status == 401 || resp->status == 403))
      return AccessRefused(resp->status, fault, config_.realm_id);
    return fault;
  }
  auto parsed = ParseJson(resp->body);
  if (!parsed.ok()) {
    // A Fault sent as XML with 200, or an intermediary's page.
    if (resp->body.find("<Fault") != std::string::npos) return fail(DecodeFault(resp->status, resp->body));
    return fail(Status::Network("HTTP " + std::to_string(resp->status) + " body is not JSON: " +
                                parsed.status().message()));
  }
  if (HasFault(*parsed)) return fail(FaultFromJson(*parsed, resp->status));
  if (!parsed->is_object()) return fail(Status::Network("response is not a JSON object"));
  return std::move(parsed).value();
}

Result<Json> Client::CallEntity(const std::string& method, const std::string& path_and_query,
                                const std::string& body, const std::string& entity, const std::string& what) {
  ES_ASSIGN_OR_RETURN(Json envelope, Call(method, path_and_query, body, what));
  auto it = envelope.find(entity);
  if (it == envelope.end() || !it->is_object()) {
    return Status::Internal(what + ": response has no '" + entity + "' object");
  }
  return std::move(*it);
}

Result<Json> Client::Post(const std::string& entity, const Json& body, const std::string& request_id,
                          const http::Params& extra) {
  ES_RETURN_IF_ERROR(CheckEntity(entity));
  ES_RETURN_IF_ERROR(CheckRequestId(request_id, kMaxRequestIdLength));
  if (!body.is_object()) return Status::Validation(entity + ": request body must be a JSON object");
  http::Params params = extra;
  if (!request_id.empty()) params.emplace_back("requestid", request_id);
  return CallEntity("POST", PathFor(Lower(entity), params), DumpJson(body), entity, "QBO POST " + entity);
}

Result<Json> Client::Create(const std::string& entity, const Json& body, const std::string& request_id) {
  return Post(entity, body, request_id);
}

Result<Json> Client::SparseUpdate(const std::string& entity, const Json& body, const std::string& request_id) {
  ES_ASSIGN_OR_RETURN(Json b, UpdateBody(entity, body));
  b["sparse"] = true;
  return Post(entity, b, request_id);
}

Result<Json> Client::FullUpdate(const std::string& entity, const Json& body, const std::string& request_id) {
  ES_ASSIGN_OR_RETURN(Json b, UpdateBody(entity, body));
  b.erase("sparse");
  return Post(entity, b, request_id, {{"operation", "update"}});
}

Result<Json> Client::Delete(const std::string& entity, const std::string& id, const std::string& sync_token,
                            const std::string& request_id) {
  ES_ASSIGN_OR_RETURN(Json b, UpdateBody(entity, Json{{"Id", id}, {"SyncToken", sync_token}}));
  return Post(entity, b, request_id, {{"operation", "delete"}});
}

Result<Json> Client::Void(const std::string& entity, const std::string& id, const std::string& sync_token,
                          const std::string& request_id) {
  ES_ASSIGN_OR_RETURN(Json b, UpdateBody(entity, Json{{"Id", id}, {"SyncToken", sync_token}}));
  if (entity == "Invoice") return Post(entity, b, request_id, {{"operation", "void"}});
  b["sparse"] = true;
  return Post(entity, b, request_id, {{"operation", "update"}, {"include", "void"}});
}

Result<Json> Client::Read(const std::string& entity, const std::string& id) {
  ES_RETURN_IF_ERROR(CheckEntity(entity));
  if (id.empty()) return Status::Validation("QBO read " + entity + ": id is empty");
  return CallEntity("GET", PathFor(Lower(entity) + "/" + http::PercentEncode(id), {}), "", entity,
                    "QBO GET " + entity + " " + id);
}

Result<QueryPage> Client::Query(const std::string& statement) {
  if (statement.empty()) return Status::Validation("QBO query statement is empty");
  ES_ASSIGN_OR_RETURN(Json envelope, Call("GET", PathFor("query", {{"query", statement}}), "", "QBO query"));
  auto it = envelope.find("QueryResponse");
  if (it == envelope.end()) return Status::Internal("QBO query: response has no 'QueryResponse'");
  auto page = DecodeQueryResponse(*it, QueryEntity(statement));
  if (!page.ok()) return page.status().WithContext("QBO query");
  return page;
}

Status Client::Ping() {
  auto r = Call("GET", PathFor("companyinfo/" + http::PercentEncode(config_.realm_id), {}), "", "QBO ping");
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::vector<BatchResult>> Client::Batch(const std::vector<BatchOp>& ops, const std::string& request_id) {
  if (ops.empty()) return std::vector<BatchResult>{};
  if (ops.size() > kMaxBatchOps) {
    return Status::Validation("QBO batch has " + std::to_string(ops.size()) + " operations; at most " +
                              std::to_string(kMaxBatchOps) + " allowed");
  }
  ES_RETURN_IF_ERROR(CheckRequestId(request_id, kMaxBatchRequestIdLength));
  // The body is written as text, each object's members in byte order of their
  // keys, as DumpJson writes the tree built here before.
  std::string text;
  JsonWriter w(text);
  w.BeginObject();
  w.Key("BatchItemRequest");
  w.BeginArray();
  std::set<std::string> seen;
  for (const BatchOp& op : ops) {
    if (op.bid.empty() || op.bid.size() > kMaxBatchIdLength) {
      return Status::Validation("QBO batch bId '" + op.bid + "' must be 1.." + std::to_string(kMaxBatchIdLength) +
                                " characters");
    }
    if (!seen.insert(op.bid).second) return Status::Validation("QBO batch bId '" + op.bid + "' is used twice");
    w.BeginObject();
    if (op.operation.empty()) {
      if (op.query.empty()) return Status::Validation("QBO batch item '" + op.bid + "' has neither operation nor query");
      w.Member("Query", op.query);
      w.Member("bId", op.bid);
    } else {
      if (op.operation != "create" && op.operation != "update" && op.operation != "delete") {
        return Status::Validation("QBO batch item '" + op.bid + "': unknown operation '" + op.operation + "'");
      }
      Status s = CheckEntity(op.entity);
      if (!s.ok()) return s.WithContext("QBO batch item '" + op.bid + "'");
      const bool object = op.body_text.empty() ? op.body.is_object() : op.body_text.front() == '{';
      if (!object) return Status::Validation("QBO batch item '" + op.bid + "': body must be a JSON object");
      // Members in byte order of their keys (the entity name may sort anywhere).
      std::pair<std::string_view, int> members[] = {{op.entity, 0}, {"bId", 1}, {"operation", 2}};
      std::sort(std::begin(members), std::end(members));
      for (const auto& [key, which] : members) {
        if (which == 0) {
          w.Key(op.entity);
          w.Raw(op.body_text.empty() ? DumpJson(op.body) : op.body_text);
        } else if (which == 1) {
          w.Member("bId", op.bid);
        } else {
          w.Member("operation", op.operation);
        }
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  http::Params params;
  if (!request_id.empty()) params.emplace_back("requestid", request_id);
  ES_ASSIGN_OR_RETURN(Json envelope, Call("POST", PathFor("batch", params), text, "QBO batch"));

  std::unordered_map<std::string, Json*> by_bid;
  auto it = envelope.find("BatchItemResponse");
  if (it != envelope.end() && it->is_array()) {
    for (Json& r : *it) {
      if (r.is_object()) by_bid[GetStringOr(r, "bId")] = &r;
    }
  }
  std::vector<BatchResult> results;
  results.reserve(ops.size());
  for (const BatchOp& op : ops) {
    BatchResult res;
    res.bid = op.bid;
    auto found = by_bid.find(op.bid);
    if (found == by_bid.end()) {
      res.status = Status::Internal("QBO batch response has no item for bId '" + op.bid + "'");
      results.push_back(std::move(res));
      continue;
    }
    Json& r = *found->second;
    if (HasFault(r)) {
      res.status = FaultFromJson(r, 400).WithContext("QBO batch item '" + op.bid + "'");
    } else if (op.operation.empty()) {
      auto qr = r.find("QueryResponse");
      auto page = DecodeQueryResponse(qr == r.end() ? Json() : *qr, QueryEntity(op.query));
      if (page.ok()) res.query = std::move(page).value();
      else res.status = page.status().WithContext("QBO batch item '" + op.bid + "'");
    } else if (auto e = r.find(op.entity); e != r.end() && e->is_object()) {
      res.entity = std::move(*e);  // each bId is answered once; the envelope is dropped after
    } else {
      res.status = Status::Internal("QBO batch item '" + op.bid + "' has no '" + op.entity + "' object");
    }
    results.push_back(std::move(res));
  }
  return results;
}

Result<CdcResult> Client::ChangeDataCapture(const std::vector<std::string>& entities,
                                            const std::string& changed_since) {
  if (entities.empty()) return Status::Validation("QBO CDC needs at least one entity");
  if (ParseIso8601(changed_since) < 0) {
    return Status::Validation("QBO CDC changedSince '" + changed_since + "' is not an ISO-8601 time");
  }
  std::string list;
  for (const std::string& e : entities) {
    ES_RETURN_IF_ERROR(CheckEntity(e));
    if (!list.empty()) list += ",";
    list += e;
  }
  ES_ASSIGN_OR_RETURN(Json envelope, Call("GET", PathFor("cdc", {{"entities", list}, {"changedSince", changed_since}}),
                                          "", "QBO CDC"));
  CdcResult out;
  out.time = GetStringOr(envelope, "time");
  auto cdc = envelope.find("CDCResponse");
  if (cdc == envelope.end() || !cdc->is_array()) return out;
  for (const Json& block : *cdc) {
    auto qrs = block.is_object() ? block.find("QueryResponse") : block.end();
    if (!block.is_object() || qrs == block.end() || !qrs->is_array()) continue;
    for (const Json& qr : *qrs) {
      if (!qr.is_object()) continue;
      for (auto f = qr.begin(); f != qr.end(); ++f) {
        if (!f->is_array()) continue;
        auto& rows = out.rows[f.key()];
        rows.insert(rows.end(), f->begin(), f->end());
      }
    }
  }
  return out;
}

}  // namespace es::qbo
