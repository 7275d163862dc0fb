#include "connectors/qbo/webhooks.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "common/crypto.h"
#include "common/json.h"

namespace es::qbo {
namespace {

constexpr size_t kMaxTokenText = 128;

// Entities QBO announces by webhook (and their relatives); QBO casing.
constexpr std::string_view kEntities[] = {
    "Account",      "Attachable",    "Bill",           "BillPayment",       "Budget",
    "Class",        "CompanyCurrency", "CompanyInfo",  "CreditCardPayment", "CreditMemo",
    "Currency",     "Customer",      "CustomerType",   "Department",        "Deposit",
    "Employee",     "Estimate",      "ExchangeRate",   "Invoice",           "Item",
    "JournalCode",  "JournalEntry",  "Payment",        "PaymentMethod",     "Preferences",
    "Purchase",     "PurchaseOrder", "RecurringTransaction", "RefundReceipt", "ReimburseCharge",
    "SalesReceipt", "TaxAgency",     "TaxCode",        "TaxRate",           "Term",
    "TimeActivity", "Transfer",      "Vendor",         "VendorCredit"};

constexpr std::string_view kOperations[] = {"Create", "Update", "Delete", "Merge", "Void", "Emailed"};

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// Ids, realm ids, event ids, timestamps: short visible ASCII without '|'
// (the legacy event id hashes fields joined by '|').
bool IsToken(std::string_view s) {
  return !s.empty() && s.size() <= kMaxTokenText &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f && c != '|'; });
}

bool IsIdentifier(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

// Untrusted text in an error message: quoted when short and plain.
std::string Quoted(std::string_view s) {
  bool plain = s.size() <= 48 && std::all_of(s.begin(), s.end(), [](char c) {
                 return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
               });
  return plain ? "'" + std::string(s) + "'" : std::string("(unprintable value)");
}

// A required id-like field: a string token or an integer.
Result<std::string> TokenField(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Validation(std::string("missing ") + key);
  std::string text;
  if (it->is_string() && !IsJsonNumber(*it)) text = it->get<std::string>();
  else if (it->is_number_integer()) text = it->dump();
  else return Status::Validation(std::string(key) + " must be a string");
  if (!IsToken(text)) return Status::Validation("malformed " + std::string(key));
  return text;
}

// An optional id-like field: absent or null → "".
Result<std::string> OptionalTokenField(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (it->is_string() && it->get_ref<const std::string&>().empty()) return std::string();
  return TokenField(obj, key);
}

std::string LegacyEventId(const EntityChange& c) {
  std::string joined = c.realm_id + "|" + c.entity + "|" + c.id + "|" + c.operation + "|" + c.last_updated;
  return "legacy-" + crypto::Hex(crypto::Sha256(joined)).substr(0, 32);
}

// Collects per-event results: skips into `rejected` or fails on the first.
class Collector {
 public:
  explicit Collector(std::vector<std::string>* rejected) : rejected_(rejected) {}
  // Returns false when parsing must stop with `error()`.
  bool Add(Result<EntityChange> r, const std::string& where) {
    if (r.ok()) {
      changes_.push_back(std::move(r).value());
      return true;
    }
    std::string reason = where + ": " + r.status().message();
    if (rejected_ == nullptr) {
      error_ = Status::Validation(reason);
      return false;
    }
    rejected_->push_back(std::move(reason));
    return true;
  }
  bool Reject(const std::string& where, const std::string& reason) {
    return Add(Status::Validation(reason), where);
  }
  const Status& error() const { return error_; }
  std::vector<EntityChange> Take() { return std::move(changes_); }

 private:
  std::vector<std::string>* rejected_;
  std::vector<EntityChange> changes_;
  Status error_;
};

Result<EntityChange> ParseCloudEvent(const Json& ev) {
  if (!ev.is_object()) return Status::Validation("not a JSON object");
  auto spec = ev.find("specversion");
  if (spec == ev.end()) return Status::Validation("missing specversion");
  if (!spec->is_string() || spec->get_ref<const std::string&>() != "1.0") {
    return Status::Validation("unsupported specversion (expected \"1.0\")");
  }
  auto type_it = ev.find("type");
  if (type_it == ev.end() || !type_it->is_string()) return Status::Validation("missing type");
  const std::string& type = type_it->get_ref<const std::string&>();
  // qbo.<entity>.<action>.v1
  std::vector<std::string_view> parts;
  std::string_view rest = type;
  while (parts.size() <= 4) {
    size_t dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (parts.size() != 4 || parts[0] != "qbo" || parts[1].empty() || parts[2].empty()) {
    return Status::Validation("malformed type " + Quoted(type) + " (expected qbo.<entity>.<action>.v1)");
  }
  if (parts[3] != "v1") return Status::Validation("unsupported event version in type " + Quoted(type));

  EntityChange c;
  c.entity = std::string(CanonicalEntityName(parts[1]));
  if (c.entity.empty()) return Status::Validation("unknown entity " + Quoted(parts[1]) + " in type");
  c.operation = std::string(OperationForAction(parts[2]));
  if (c.operation.empty()) return Status::Validation("unknown action " + Quoted(parts[2]) + " in type");
  ES_ASSIGN_OR_RETURN(c.event_id, TokenField(ev, "id"));
  ES_ASSIGN_OR_RETURN(c.realm_id, TokenField(ev, "intuitaccountid"));
  ES_ASSIGN_OR_RETURN(c.id, TokenField(ev, "intuitentityid"));
  ES_ASSIGN_OR_RETURN(c.last_updated, OptionalTokenField(ev, "time"));
  if (auto data = ev.find("data"); data != ev.end() && data->is_object()) {
    ES_ASSIGN_OR_RETURN(c.deleted_id, OptionalTokenField(*data, "deletedId"));
  }
  return c;
}

Result<EntityChange> ParseLegacyEntity(const Json& e, const std::string& realm_id) {
  if (!e.is_object()) return Status::Validation("not a JSON object");
  EntityChange c;
  c.realm_id = realm_id;
  auto name = e.find("name");
  if (name == e.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    return Status::Validation("missing name");
  }
  const std::string& raw_name = name->get_ref<const std::string&>();
  if (!IsIdentifier(raw_name)) return Status::Validation("malformed name");
  std::string_view canonical = CanonicalEntityName(raw_name);
  c.entity = canonical.empty() ? raw_name : std::string(canonical);
  ES_ASSIGN_OR_RETURN(c.id, TokenField(e, "id"));
  auto op = e.find("operation");
  if (op == e.end() || !op->is_string()) return Status::Validation("missing operation");
  const std::string& op_text = op->get_ref<const std::string&>();
  auto known = std::find_if(std::begin(kOperations), std::end(kOperations),
                            [&](std::string_view k) { return EqualsIgnoreCase(k, op_text); });
  if (known == std::end(kOperations)) return Status::Validation("unknown operation " + Quoted(op_text));
  c.operation = std::string(*known);
  ES_ASSIGN_OR_RETURN(c.deleted_id, OptionalTokenField(e, "deletedId"));
  ES_ASSIGN_OR_RETURN(c.last_updated, OptionalTokenField(e, "lastUpdated"));
  c.event_id = LegacyEventId(c);
  return c;
}

Result<std::vector<EntityChange>> ParseCloudEvents(const Json& list, std::vector<std::string>* rejected) {
  Collector out(rejected);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!out.Add(ParseCloudEvent(list[i]), "event " + std::to_string(i + 1))) return out.error();
  }
  return out.Take();
}

Result<std::vector<EntityChange>> ParseLegacy(const Json& doc, std::vector<std::string>* rejected) {
  const Json& notes = *doc.find("eventNotifications");
  if (!notes.is_array()) return Status::Validation("eventNotifications must be an array");
  Collector out(rejected);
  for (size_t i = 0; i < notes.size(); ++i) {
    const std::string where = "notification " + std::to_string(i + 1);
    const Json& note = notes[i];
    if (!note.is_object()) {
      if (!out.Reject(where, "not a JSON object")) return out.error();
      continue;
    }
    auto realm = TokenField(note, "realmId");
    if (!realm.ok()) {
      if (!out.Reject(where, realm.status().message())) return out.error();
      continue;
    }
    const Json* entities = FindPath(note, "dataChangeEvent.entities");
    if (entities == nullptr || !entities->is_array()) {
      if (!out.Reject(where, "missing dataChangeEvent.entities")) return out.error();
      continue;
    }
    for (size_t k = 0; k < entities->size(); ++k) {
      if (!out.Add(ParseLegacyEntity((*entities)[k], *realm), where + " entity " + std::to_string(k + 1))) {
        return out.error();
      }
    }
  }
  return out.Take();
}

bool LooksLikeCloudEvent(const Json& j) { return j.is_object() && j.contains("specversion") && j.contains("type"); }

}  // namespace

std::string_view CanonicalEntityName(std::string_view name) {
  for (std::string_view e : kEntities) {
    if (EqualsIgnoreCase(e, name)) return e;
  }
  return {};
}

std::string_view OperationForAction(std::string_view action_any_case) {
  std::string action(action_any_case.substr(0, 16));
  if (action.size() != action_any_case.size()) return {};
  for (char& ch : action) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  if (action == "created") return "Create";
  if (action == "updated") return "Update";
  if (action == "deleted") return "Delete";
  if (action == "merged") return "Merge";
  if (action == "voided" || action == "void") return "Void";
  if (action == "emailed") return "Emailed";
  return {};
}

Status VerifyWebhookSignature(std::string_view raw_body, std::string_view intuit_signature,
                              std::string_view verifier_token) {
  if (verifier_token.empty()) return Status::Authentication("webhook verifier token is not configured");
  std::string_view given = Trim(intuit_signature);
  if (given.empty()) return Status::Authentication("missing intuit-signature header");
  const std::string expected = crypto::Base64Encode(crypto::HmacSha256(verifier_token, raw_body));
  if (!crypto::ConstantTimeEquals(given, expected)) return Status::Authentication("webhook signature mismatch");
  return Status::Ok();
}

Result<std::vector<EntityChange>> ParseWebhookPayload(std::string_view raw_body, std::vector<std::string>* rejected,
                                                      const WebhookLimits& limits) {
  if (Trim(raw_body).empty()) return Status::Validation("empty webhook body");
  JsonParseOptions opts;
  opts.max_bytes = limits.max_body_bytes;
  opts.max_depth = limits.max_depth;
  auto doc = ParseJson(raw_body, opts);
  if (!doc.ok()) {
    // Keep the position, drop any quoted body bytes.
    std::string m = doc.status().message();
    if (m.rfind("invalid JSON at byte", 0) == 0) m = m.substr(0, m.find(':'));
    return Status::Validation("webhook body: " + m);
  }
  if (doc->is_array()) {
    if (doc->empty()) return std::vector<EntityChange>();
    if (!LooksLikeCloudEvent(doc->front())) {
      return Status::Validation(
          "unrecognised webhook payload: array elements are not CloudEvents (missing specversion/type)");
    }
    return ParseCloudEvents(*doc, rejected);
  }
  if (doc->is_object()) {
    if (doc->contains("eventNotifications")) return ParseLegacy(*doc, rejected);
    if (LooksLikeCloudEvent(*doc)) return ParseCloudEvents(Json::array({*doc}), rejected);
  }
  return Status::Validation(
      "unrecognised webhook payload: expected a CloudEvents array or an object with eventNotifications");
}

}  // namespace es::qbo
