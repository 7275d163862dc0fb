// DecodeFault / FaultFromJson: every error shape QBO and its OAuth server
// send, reduced to a Status with a category (SPEC F11) and the Fault code.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "connectors/qbo/codec.h"
#include "http/transport.h"

namespace es::qbo {
namespace {

struct FaultError {
  std::string message;
  std::string detail;
  std::string code;
  std::string element;
};

struct ParsedFault {
  std::string type;
  std::vector<FaultError> errors;
};

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

size_t IFind(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (IEquals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "003001" → "3001"; non-numeric codes are kept as they are.
std::string NormalizeCode(std::string code) {
  while (!code.empty() && std::isspace(static_cast<unsigned char>(code.back()))) code.pop_back();
  size_t start = 0;
  while (start < code.size() && std::isspace(static_cast<unsigned char>(code[start]))) ++start;
  code.erase(0, start);
  if (AllDigits(code)) {
    size_t nz = code.find_first_not_of('0');
    code = nz == std::string::npos ? "0" : code.substr(nz);
  }
  return code;
}

// The gateway puts the code into the message: "...; errorCode=003200; statusCode=401".
std::string CodeFromMessage(std::string_view message) {
  size_t p = IFind(message, "errorCode=");
  if (p == std::string_view::npos) return {};
  p += 10;
  size_t e = p;
  while (e < message.size() && message[e] >= '0' && message[e] <= '9') ++e;
  return NormalizeCode(std::string(message.substr(p, e - p)));
}

bool TokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '+' ||
         c == '/' || c == '=' || c == '~';
}

// Removes anything that may be a credential: the word after "token:" /
// "token expired:" / "token=" and any long run of token characters mixing
// letters and digits (JWTs, refresh tokens).
std::string Redact(std::string s) {
  constexpr std::string_view kMark = "[redacted]";
  // 1. Words that follow a "token ...:" label.
  for (size_t p = IFind(s, "token"); p != std::string::npos; p = IFind(s, "token", p + 5)) {
    if (p > 0 && std::isalpha(static_cast<unsigned char>(s[p - 1]))) continue;  // "SyncToken"
    size_t colon = s.find_first_of(":=", p + 5);
    if (colon == std::string::npos || colon > p + 20) continue;
    size_t start = colon + 1;
    while (start < s.size() && s[start] == ' ') ++start;
    size_t end = start;
    while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) && s[end] != ';' &&
           s[end] != ',' && s[end] != '"')
      ++end;
    if (end > start) s.replace(start, end - start, kMark);
  }
  // 2. Long mixed runs.
  constexpr size_t kMinRun = 20;
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (!TokenChar(s[i])) {
      out.push_back(s[i++]);
      continue;
    }
    size_t j = i;
    bool letter = false, digit = false;
    while (j < s.size() && TokenChar(s[j])) {
      letter |= std::isalpha(static_cast<unsigned char>(s[j])) != 0;
      digit |= std::isdigit(static_cast<unsigned char>(s[j])) != 0;
      ++j;
    }
    if (j - i >= kMinRun && letter && digit) out += kMark;
    else out.append(s, i, j - i);
    i = j;
  }
  return out;
}

std::optional<int64_t> RetryAfterMs(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (!AllDigits(v) || v.size() > 9) return std::nullopt;  // HTTP-dates are not used by QBO
  int64_t seconds = 0;
  std::from_chars(v.data(), v.data() + v.size(), seconds);
  return seconds * 1000;
}

std::string Field(const Json& o, std::string_view upper, std::string_view lower) {
  std::string v = GetStringOr(o, upper);
  if (v.empty()) v = GetStringOr(o, lower);
  if (v == "null") v.clear();
  return v;
}

ParsedFault ParseJsonFault(const Json& fault) {
  ParsedFault f;
  f.type = Field(fault, "type", "Type");
  const Json* errors = nullptr;
  for (const char* k : {"Error", "error"}) {
    auto it = fault.find(k);
    if (it != fault.end()) {
      errors = &*it;
      break;
    }
  }
  auto add = [&](const Json& e) {
    if (!e.is_object()) return;
    f.errors.push_back(FaultError{Field(e, "Message", "message"), Field(e, "Detail", "detail"),
                                  NormalizeCode(Field(e, "code", "Code")), Field(e, "element", "Element")});
  };
  if (errors && errors->is_array()) {
    for (const Json& e : *errors) add(e);
  } else if (errors) {
    add(*errors);
  }
  return f;
}

// ---- XML ------------------------------------------------------------------------

std::string XmlUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool done = false;
      for (const auto& [ent, ch] : kEntities) {
        if (s.substr(i, ent.size()) == ent) {
          out.push_back(ch);
          i += ent.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

// Value of attribute `name` inside an opening tag's text ("<Error code=\"3001\" ...>").
std::string XmlAttr(std::string_view tag, std::string_view name) {
  for (size_t p = tag.find(name); p != std::string_view::npos; p = tag.find(name, p + 1)) {
    if (p == 0 || !std::isspace(static_cast<unsigned char>(tag[p - 1]))) continue;
    size_t q = p + name.size();
    while (q < tag.size() && tag[q] == ' ') ++q;
    if (q >= tag.size() || tag[q] != '=') continue;
    ++q;
    while (q < tag.size() && tag[q] == ' ') ++q;
    if (q >= tag.size() || (tag[q] != '"' && tag[q] != '\'')) continue;
    char quote = tag[q];
    size_t end = tag.find(quote, q + 1);
    if (end == std::string_view::npos) return {};
    return XmlUnescape(tag.substr(q + 1, end - q - 1));
  }
  return {};
}

// Text of the first <name>…</name> inside `block`.
std::string XmlText(std::string_view block, std::string_view name) {
  std::string open = "<" + std::string(name);
  size_t p = block.find(open);
  while (p != std::string_view::npos) {
    char next = p + open.size() < block.size() ? block[p + open.size()] : '\0';
    if (next == '>' || next == ' ') break;
    p = block.find(open, p + 1);
  }
  if (p == std::string_view::npos) return {};
  size_t gt = block.find('>', p);
  if (gt == std::string_view::npos) return {};
  size_t close = block.find("</" + std::string(name) + ">", gt);
  if (close == std::string_view::npos) return {};
  return XmlUnescape(block.substr(gt + 1, close - gt - 1));
}

ParsedFault ParseXmlFault(std::string_view body) {
  ParsedFault f;
  size_t fp = body.find("<Fault");
  if (fp != std::string_view::npos) {
    size_t gt = body.find('>', fp);
    if (gt != std::string_view::npos) f.type = XmlAttr(body.substr(fp, gt - fp), "type");
  }
  size_t from = fp == std::string_view::npos ? 0 : fp;
  for (size_t p = body.find("<Error", from); p != std::string_view::npos; p = body.find("<Error", p + 1)) {
    size_t gt = body.find('>', p);
    if (gt == std::string_view::npos) break;
    char next = body[p + 6];
    if (next != ' ' && next != '>') continue;
    size_t end = body.find("</Error>", gt);
    std::string_view block = body.substr(gt + 1, end == std::string_view::npos ? std::string_view::npos : end - gt - 1);
    std::string_view tag = body.substr(p, gt - p);
    f.errors.push_back(FaultError{XmlText(block, "Message"), XmlText(block, "Detail"),
                                  NormalizeCode(XmlAttr(tag, "code")), XmlAttr(tag, "element")});
  }
  return f;
}

// ---- Classification ----------------------------------------------------------------

bool OneOf(std::string_view code, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

ErrorCategory Classify(int http, const std::string& code, const std::string& type, const std::string& message) {
  if (http == 429 || code == "3001") return ErrorCategory::kRateLimit;
  if (http == 401 || http == 403 || OneOf(code, {"100", "120", "130", "3100", "3200"}) ||
      OneOf(code, {"invalid_grant", "invalid_client", "unauthorized_client"})) {
    return ErrorCategory::kAuthentication;
  }
  if (OneOf(code, {"5010", "6240", "6140", "6210"}) || IFind(message, "Duplicate Document Number") != std::string::npos) {
    return ErrorCategory::kConflict;
  }
  if (code == "610") return ErrorCategory::kNotFound;
  if (code == "10000" || http >= 500) return ErrorCategory::kNetwork;
  if (!code.empty()) return ErrorCategory::kValidation;  // 500 Unsupported Operation, 2xxx, 4001, 6000, …
  if (http == 404) return ErrorCategory::kNotFound;
  if (IFind(type, "SystemFault") != std::string::npos) return ErrorCategory::kNetwork;
  if (IFind(type, "Authentication") != std::string::npos || IFind(type, "Authorizat") != std::string::npos) {
    return ErrorCategory::kAuthentication;
  }
  return ErrorCategory::kValidation;
}

Status Make(ErrorCategory c, std::string msg, std::string code, std::optional<int64_t> retry_after_ms) {
  switch (c) {
    case ErrorCategory::kRateLimit: return Status::RateLimit(std::move(msg), retry_after_ms, std::move(code));
    case ErrorCategory::kAuthentication: return Status::Authentication(std::move(msg), std::move(code));
    case ErrorCategory::kConflict: return Status::Conflict(std::move(msg), std::move(code));
    case ErrorCategory::kNotFound: return Status::NotFound(std::move(msg), std::move(code));
    case ErrorCategory::kNetwork: return Status::Network(std::move(msg), std::move(code));
    case ErrorCategory::kValidation: return Status::Validation(std::move(msg), std::move(code));
    case ErrorCategory::kOk:
    case ErrorCategory::kInternal: break;
  }
  return Status::Internal(std::move(msg), std::move(code));
}

std::string HttpLabel(int http) { return http > 0 ? "HTTP " + std::to_string(http) : "QBO error"; }

Status FromParsed(const ParsedFault& f, int http, std::string_view retry_after) {
  std::string code;
  std::string text;
  for (const FaultError& e : f.errors) {
    std::string c = e.code.empty() ? CodeFromMessage(e.message) : e.code;
    if (code.empty()) code = c;
    std::string one = e.message;
    if (!e.detail.empty() && e.detail != e.message) one += one.empty() ? e.detail : ": " + e.detail;
    if (!e.element.empty()) one += " (element '" + e.element + "')";
    if (one.empty()) one = "error " + c;
    if (!text.empty()) text += "; ";
    text += one;
  }
  if (text.empty()) text = HttpLabel(http) + (f.type.empty() ? " fault" : " " + f.type + " fault") + " without details";
  ErrorCategory cat = Classify(http, code, f.type, text);
  return Make(cat, Redact(std::move(text)), std::move(code), RetryAfterMs(retry_after));
}

// A short, printable excerpt of an unstructured body.
std::string Snippet(std::string_view body) {
  std::string out;
  bool space = false;
  for (char c : body) {
    if (out.size() >= 160) {
      out += "…";
      break;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return Redact(out);
}

}  // namespace

bool HasFault(const Json& body) {
  return body.is_object() && (body.contains("Fault") || body.contains("fault"));
}

Status FaultFromJson(const Json& fault, int http_status) {
  const Json* f = &fault;
  if (fault.is_object()) {
    for (const char* k : {"Fault", "fault"}) {
      auto it = fault.find(k);
      if (it != fault.end() && it->is_object()) {
        f = &*it;
        break;
      }
    }
  }
  if (!f->is_object()) {
    ParsedFault empty;
    return FromParsed(empty, http_status, {});
  }
  return FromParsed(ParseJsonFault(*f), http_status, {});
}

Status DecodeFault(int http_status, std::string_view body, std::string_view retry_after) {
  std::string_view trimmed = body;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);

  if (!trimmed.empty() && trimmed.front() == '{') {
    auto parsed = ParseJson(trimmed);
    if (parsed.ok() && parsed->is_object()) {
      const Json& j = *parsed;
      for (const char* k : {"Fault", "fault"}) {
        auto it = j.find(k);
        if (it != j.end() && it->is_object()) return FromParsed(ParseJsonFault(*it), http_status, retry_after);
      }
      // OAuth 2.0 token endpoint: {"error":"invalid_grant","error_description":"…"}.
      auto err = j.find("error");
      if (err != j.end() && err->is_string()) {
        std::string code = err->get<std::string>();
        std::string desc = GetStringOr(j, "error_description");
        std::string text = "OAuth error " + code + (desc.empty() ? "" : ": " + desc);
        ErrorCategory cat = Classify(http_status, code, {}, text);
        return Make(cat, Redact(std::move(text)), std::move(code), RetryAfterMs(retry_after));
      }
      ParsedFault none;
      Status s = FromParsed(none, http_status, retry_after);
      return Make(s.category(), HttpLabel(http_status) + ": " + Snippet(trimmed), {}, s.retry_after_ms());
    }
  }
  if (!trimmed.empty() && trimmed.front() == '<' &&
      (trimmed.find("<Fault") != std::string_view::npos || trimmed.find("<Error") != std::string_view::npos)) {
    ParsedFault f = ParseXmlFault(trimmed);
    if (!f.errors.empty() || !f.type.empty()) return FromParsed(f, http_status, retry_after);
  }
  ParsedFault none;
  Status s = FromParsed(none, http_status, retry_after);
  std::string text = HttpLabel(http_status);
  if (trimmed.empty()) {
    text += " with an empty body";
  } else if (trimmed.front() == '<') {
    text += " with a non-JSON (markup) body";
  } else {
    text += ": " + Snippet(trimmed);
  }
  return Make(s.category(), std::move(text), {}, s.retry_after_ms());
}

Status WithoutSecrets(const Status& s, std::initializer_list<std::string_view> secrets) {
  if (s.ok()) return s;
  std::string msg = s.message();
  bool changed = false;
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    for (size_t p = msg.find(secret); p != std::string::npos; p = msg.find(secret, p + 10)) {
      msg.replace(p, secret.size(), "[redacted]");  // 10 chars
      changed = true;
    }
  }
  if (!changed) return s;
  return Make(s.category(), std::move(msg), s.code(), s.retry_after_ms());
}

// ---- Failures of the whole connection ------------------------------------------------

namespace {

constexpr const char* kReconnect =
    "reconnect QuickBooks (the OAuth connect flow, or easysale-sync connection add with new tokens)";

}  // namespace

Status Unreachable(const Status& transport, const std::string& url, const char* setting) {
  const http::TransportFailure why = http::DescribeTransportFailure(transport);
  std::string msg = "QuickBooks unreachable at " + url + " (" + why.text + ") — check the connection's " + setting;
  if (why.kind == http::TransportFailure::Kind::kTls) msg += " (or set insecure_skip_tls_verify for a test server)";
  if (why.kind == http::TransportFailure::Kind::kNotTls) msg += ": use http:// for a plain-HTTP server, or its TLS port";
  return Status::Network(std::move(msg), transport.code());
}

Status RefreshRefused(const Status& refusal) {
  std::string code = refusal.code().empty() ? "refused" : refusal.code();
  // invalid_client: the app's keys are wrong, not the tokens.
  const std::string advice = code == "invalid_client"
                                 ? "check the connection's client_id and client_secret (the app's keys in Intuit's "
                                   "developer portal)"
                                 : kReconnect;
  return Status::Authentication("QuickBooks token refresh refused (" + code + ") — " + advice, refusal.code());
}

Status AccessRefused(int http_status, const Status& fault, const std::string& realm_id) {
  if (http_status == 403) {
    return Status::Authentication("QuickBooks denied access to company " + realm_id + " (HTTP 403: " +
                                      fault.message() + ") — check realm_id, or " + kReconnect,
                                  fault.code());
  }
  return Status::Authentication("QuickBooks refused the access token even after a token refresh (HTTP " +
                                    std::to_string(http_status) + ": " + fault.message() + ") — " + kReconnect,
                                fault.code());
}

}  // namespace es::qbo
