#include "connectors/woo/batch_writer.h"

#include <algorithm>

namespace es::woo {

BatchWriter::BatchWriter(Credentials credentials, http::Transport& transport, Clock& clock)
    : credentials_(std::move(credentials)), transport_(transport), clock_(clock) {
  while (!credentials_.base_url.empty() && credentials_.base_url.back() == '/') credentials_.base_url.pop_back();
}

Result<Json> BatchWriter::Post(const std::string& path, const Json& body) {
  SignedRequest request;
  request.method = "POST";
  request.path = path;
  request.json_body = DumpJson(body);
  ++requests_sent_;
  ES_ASSIGN_OR_RETURN(http::Response resp, SendSigned(credentials_, transport_, clock_, request));
  auto j = ParseJson(resp.body);
  if (!j.ok() || !j->is_object())
    return Status::Network("woo POST " + path + ": HTTP " + std::to_string(resp.status) +
                           " with a body that is not a JSON object");
  return j;
}

Result<std::vector<BatchItemResult>> BatchWriter::Update(int64_t parent, const std::vector<BatchUpdate>& updates) {
  const std::string path =
      parent == 0 ? std::string("products/batch") : "products/" + std::to_string(parent) + "/variations/batch";
  std::vector<BatchItemResult> out;
  for (size_t start = 0; start < updates.size(); start += kMaxItems) {
    const size_t end = std::min(updates.size(), start + kMaxItems);
    Json list = Json::array();
    for (size_t i = start; i < end; ++i) {
      Json u = updates[i].fields.is_object() ? updates[i].fields : Json::object();
      u["id"] = updates[i].id;
      list.push_back(std::move(u));
    }
    ES_ASSIGN_OR_RETURN(Json answer, Post(path, Json{{"update", std::move(list)}}));
    const Json* results = FindPath(answer, "update");
    for (size_t i = start; i < end; ++i) {
      BatchItemResult r;
      r.id = updates[i].id;
      const size_t k = i - start;
      if (results == nullptr || !results->is_array() || k >= results->size()) {
        r.status = Status::Network("woo POST " + path + ": the answer has no result for item " + std::to_string(r.id));
      } else {
        const Json& item = (*results)[k];
        const Json* err = item.is_object() ? FindPath(item, "error") : nullptr;
        if (err != nullptr && err->is_object()) {
          const std::string code = GetStringOr(*err, "code");
          r.status = Status::Validation("woo " + std::string(parent ? "variation " : "product ") +
                                            std::to_string(r.id) + ": " + code + ": " + GetStringOr(*err, "message"),
                                        code);
        } else if (!item.is_object() || GetIntOr(item, "id", 0) != r.id) {
          r.status = Status::Network("woo POST " + path + ": result " + std::to_string(k) + " is not item " +
                                     std::to_string(r.id));
        } else {
          r.item = item;
        }
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace es::woo
