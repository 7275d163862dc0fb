#include "connectors/supabase/rest_protocol.h"

namespace es::supabase {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool IsSqlState(std::string_view c) {
  if (c.size() != 5) return false;
  for (char ch : c)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'))) return false;
  return true;
}

}  // namespace

int HttpStatusForSqlState(std::string_view s) {
  if (s == "23505" || s == "23503") return 409;
  if (s == "42P01" || s == "42883") return 404;
  if (s == "42501") return 403;
  if (StartsWith(s, "08") || StartsWith(s, "53")) return s == "53400" ? 500 : 503;
  if (StartsWith(s, "40") || StartsWith(s, "57")) return 500;
  if (StartsWith(s, "PT") && s.size() == 5) {
    int code = 0;
    for (char c : s.substr(2)) code = code * 10 + (c - '0');
    if (code >= 100 && code <= 599) return code;
  }
  return 400;
}

std::string RestErrorBody(std::string_view code, std::string_view message, std::string_view details,
                          std::string_view hint) {
  Json j = {{"code", std::string(code)},
            {"message", std::string(message)},
            {"details", details.empty() ? Json(nullptr) : Json(std::string(details))},
            {"hint", hint.empty() ? Json(nullptr) : Json(std::string(hint))}};
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status StatusFromRestError(int http, std::string_view body, std::string_view table,
                           std::optional<int64_t> retry_after_ms) {
  std::string code, message;
  auto parsed = ParseJson(body);
  if (parsed.ok() && parsed->is_object()) {
    code = GetStringOr(*parsed, "code");
    message = GetStringOr(*parsed, "message");
    if (message.empty()) message = GetStringOr(*parsed, "msg");
  }
  if (message.empty()) {
    message = std::string(body.substr(0, 200));
    if (message.empty()) message = "HTTP " + std::to_string(http);
  }
  const std::string t(table);
  const std::string where = "warehouse REST API" + (t.empty() ? std::string() : " (" + t + ")") + ": ";
  const std::string full_code = IsSqlState(code) ? "pg:" + code : code;

  if (code == "PGRST205" || code == "42P01" || (http == 404 && code.empty() && !t.empty()))
    return Status::NotFound("warehouse table '" + t + "' does not exist (run migrations or disable read_only)",
                            full_code.empty() ? "missing_table" : full_code);
  if (code == "PGRST106")
    return Status::NotFound(where + message + " (expose the warehouse schema in the API settings)", full_code);
  if (http == 401 || http == 403 || StartsWith(code, "PGRST3") || code == "42501")
    return Status::Authentication(where + "the service key was refused: " + message +
                                      " — check the connection's service_key (a secret or service_role key)",
                                  full_code.empty() ? "http:" + std::to_string(http) : full_code);
  if (code == "PGRST204" || code == "42703")
    return Status::Internal(where + message + " (the warehouse schema is out of date: run migrations)", full_code);
  if (http == 429) return Status::RateLimit(where + message, retry_after_ms, "http:429");
  if (code == "PGRST000" || code == "PGRST001" || code == "PGRST002" || code == "PGRST003" ||
      StartsWith(code, "08") || StartsWith(code, "53") || code == "40001" || code == "40P01" || code == "57014" ||
      http >= 500)
    return Status::Network(where + message, full_code.empty() ? "http:" + std::to_string(http) : full_code);
  if (code == "23505" || code == "23503") return Status::Conflict(where + message, full_code);
  return Status::Validation(where + message, full_code.empty() ? "http:" + std::to_string(http) : full_code);
}

std::string InList(const std::vector<std::string>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += ')';
  return out;
}

bool ParseInList(std::string_view text, std::vector<std::string>* out) {
  out->clear();
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') return false;
  text = text.substr(1, text.size() - 2);
  if (text.empty()) return true;
  size_t i = 0;
  while (true) {
    std::string v;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) {
          v += text[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          v += c;
        }
      }
      if (!closed) return false;
    } else {
      while (i < text.size() && text[i] != ',') v += text[i++];
    }
    out->push_back(std::move(v));
    if (i == text.size()) return true;
    if (text[i] != ',') return false;
    ++i;
  }
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

bool AppendJsonString(std::string* out, std::string_view s) {
  if (!IsValidUtf8(s)) return false;
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
  return true;
}

}  // namespace es::supabase
