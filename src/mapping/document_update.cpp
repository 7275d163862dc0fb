#include "mapping/document_update.h"

#include <set>

#include "common/crypto.h"

namespace es::mapping {
namespace {

bool IsSubTotalLine(const Json& line) {
  return line.is_object() && GetStringOr(line, "DetailType") == "SubTotalLineDetail";
}

Json LinesWithoutIds(const Json& lines) {
  if (!lines.is_array()) return lines;
  Json out = Json::array();
  for (const Json& l : lines) {
    if (IsSubTotalLine(l)) continue;
    Json copy = l;
    if (copy.is_object()) copy.erase("Id");
    out.push_back(std::move(copy));
  }
  return out;
}

// Canonical text: object keys sorted (nlohmann::json keeps them sorted),
// numbers in their shortest exact decimal form.
void Canonical(const Json& v, std::string& out) {
  if (v.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ',';
      first = false;
      out += DumpJson(Json(it.key()));
      out += ':';
      Canonical(*it, out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ',';
      Canonical(v[i], out);
    }
    out += ']';
  } else if (IsJsonNumber(v)) {
    auto d = DecimalFromJson(v);
    out += d.ok() ? d->ToString() : DumpJson(v);
  } else {
    out += DumpJson(v);
  }
}

}  // namespace

Json SparseUpdateBody(const Json& full_create_body, const std::string& id, const std::string& sync_token) {
  static const std::set<std::string> kDropped = {"Id",           "SyncToken",   "sparse",          "domain",
                                                 "MetaData",     "TotalAmt",    "Balance",         "HomeTotalAmt",
                                                 "HomeBalance",  "RemainingCredit", "UnappliedAmt", "LinkedTxn",
                                                 "CurrencyRef",  "status",      "time"};
  Json out = Json::object();
  if (full_create_body.is_object()) {
    for (auto it = full_create_body.begin(); it != full_create_body.end(); ++it) {
      if (kDropped.count(it.key())) continue;
      out[it.key()] = it.key() == "Line" ? LinesWithoutIds(*it) : *it;
    }
  }
  out["sparse"] = true;
  out["Id"] = id;
  out["SyncToken"] = sync_token;
  return out;
}

std::string DocumentFingerprint(const Json& encoded_body) {
  Json copy = encoded_body;
  if (copy.is_object()) {
    for (const char* key : {"Id", "SyncToken", "sparse", "domain", "MetaData"}) copy.erase(key);
    if (auto it = copy.find("Line"); it != copy.end()) *it = LinesWithoutIds(*it);
  }
  std::string text;
  Canonical(copy, text);
  return crypto::Hex(crypto::Sha256(text)).substr(0, 32);
}

}  // namespace es::mapping
