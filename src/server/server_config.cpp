#include "server/server_config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/json.h"

namespace es::server {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Checks that `obj` has only `allowed` keys; `where` names the section.
Status OnlyKeys(const Json& obj, const std::set<std::string>& allowed, const std::string& where) {
  if (!obj.is_object()) return Status::Validation("config " + where + " must be a JSON object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!allowed.count(it.key())) return Status::Validation("config " + where + ": unknown key '" + it.key() + "'");
  }
  return Status::Ok();
}

Status ReadString(const Json& obj, const char* key, const std::string& where, std::string* out) {
  if (!obj.contains(key)) return Status::Ok();
  const Json& v = obj[key];
  if (!v.is_string()) return Status::Validation("config " + where + "." + key + " must be a string");
  *out = v.get<std::string>();
  return Status::Ok();
}

Status ReadInt(const Json& obj, const char* key, const std::string& where, int64_t min, int64_t* out) {
  if (!obj.contains(key)) return Status::Ok();
  auto v = GetInt(obj, key);
  if (!v.ok() || *v < min) {
    return Status::Validation("config " + where + "." + key + " must be an integer >= " + std::to_string(min));
  }
  *out = *v;
  return Status::Ok();
}

Status ReadSecretFile(const Json& obj, const char* key, const std::string& where, std::string* out) {
  std::string path;
  ES_RETURN_IF_ERROR(ReadString(obj, key, where, &path));
  if (path.empty()) return Status::Ok();
  ES_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  *out = Trim(text);
  return Status::Ok();
}

Status ApplyFile(const Json& j, ServerConfig& c) {
  ES_RETURN_IF_ERROR(OnlyKeys(j,
                              {"host", "port", "data_dir", "store_url", "master_key_file", "metrics_token_file",
                               "insecure_skip_tls_verify", "jwt", "oauth", "qbo", "limits", "network"},
                              "file"));
  const std::string top = "file";
  ES_RETURN_IF_ERROR(ReadString(j, "host", top, &c.host));
  int64_t port = c.port;
  ES_RETURN_IF_ERROR(ReadInt(j, "port", top, 0, &port));
  if (port > 65535) return Status::Validation("config port must be at most 65535");
  c.port = static_cast<int>(port);
  ES_RETURN_IF_ERROR(ReadString(j, "data_dir", top, &c.data_dir));
  ES_RETURN_IF_ERROR(ReadString(j, "store_url", top, &c.store_url));
  ES_RETURN_IF_ERROR(ReadString(j, "master_key_file", top, &c.master_key_file));
  ES_RETURN_IF_ERROR(ReadSecretFile(j, "metrics_token_file", top, &c.metrics_token));
  if (j.contains("insecure_skip_tls_verify")) {
    if (!j["insecure_skip_tls_verify"].is_boolean()) {
      return Status::Validation("config insecure_skip_tls_verify must be true or false");
    }
    c.insecure_skip_tls_verify = j["insecure_skip_tls_verify"].get<bool>();
  }
  if (j.contains("jwt")) {
    const Json& s = j["jwt"];
    ES_RETURN_IF_ERROR(OnlyKeys(s, {"secret_file", "public_key_file", "issuer", "audience", "leeway_s"}, "jwt"));
    ES_RETURN_IF_ERROR(ReadSecretFile(s, "secret_file", "jwt", &c.jwt_secret));
    ES_RETURN_IF_ERROR(ReadString(s, "public_key_file", "jwt", &c.jwt_public_key_file));
    ES_RETURN_IF_ERROR(ReadString(s, "issuer", "jwt", &c.jwt_issuer));
    ES_RETURN_IF_ERROR(ReadString(s, "audience", "jwt", &c.jwt_audience));
    ES_RETURN_IF_ERROR(ReadInt(s, "leeway_s", "jwt", 0, &c.jwt_leeway_s));
  }
  if (j.contains("oauth")) {
    const Json& s = j["oauth"];
    ES_RETURN_IF_ERROR(OnlyKeys(s, {"redirect_uri", "state_ttl_s"}, "oauth"));
    ES_RETURN_IF_ERROR(ReadString(s, "redirect_uri", "oauth", &c.oauth_redirect_uri));
    ES_RETURN_IF_ERROR(ReadInt(s, "state_ttl_s", "oauth", 1, &c.oauth_state_ttl_s));
  }
  if (j.contains("qbo")) {
    const Json& s = j["qbo"];
    ES_RETURN_IF_ERROR(OnlyKeys(
        s, {"client_id", "client_secret_file", "authorize_url", "token_url", "api_base", "scope"}, "qbo"));
    ES_RETURN_IF_ERROR(ReadString(s, "client_id", "qbo", &c.qbo_client_id));
    ES_RETURN_IF_ERROR(ReadSecretFile(s, "client_secret_file", "qbo", &c.qbo_client_secret));
    ES_RETURN_IF_ERROR(ReadString(s, "authorize_url", "qbo", &c.qbo_authorize_url));
    ES_RETURN_IF_ERROR(ReadString(s, "token_url", "qbo", &c.qbo_token_url));
    ES_RETURN_IF_ERROR(ReadString(s, "api_base", "qbo", &c.qbo_api_base));
    ES_RETURN_IF_ERROR(ReadString(s, "scope", "qbo", &c.qbo_scope));
  }
  if (j.contains("limits")) {
    const Json& s = j["limits"];
    ES_RETURN_IF_ERROR(OnlyKeys(s,
                                {"max_body_bytes", "max_concurrent_runs", "api_rate_per_s", "api_burst",
                                 "probe_ttl_s", "probe_timeout_ms", "token_refresh_margin_s", "http_threads",
                                 "keep_alive_timeout_ms", "header_timeout_ms", "body_timeout_ms",
                                 "max_connections_per_client", "max_connections", "confirm_above"},
                                "limits"));
    int64_t v = static_cast<int64_t>(c.max_body_bytes);
    ES_RETURN_IF_ERROR(ReadInt(s, "max_body_bytes", "limits", 1024, &v));
    c.max_body_bytes = static_cast<size_t>(v);
    v = c.max_concurrent_runs;
    ES_RETURN_IF_ERROR(ReadInt(s, "max_concurrent_runs", "limits", 1, &v));
    c.max_concurrent_runs = static_cast<int>(v);
    v = static_cast<int64_t>(c.api_rate_per_s);
    ES_RETURN_IF_ERROR(ReadInt(s, "api_rate_per_s", "limits", 1, &v));
    c.api_rate_per_s = static_cast<double>(v);
    v = static_cast<int64_t>(c.api_burst);
    ES_RETURN_IF_ERROR(ReadInt(s, "api_burst", "limits", 1, &v));
    c.api_burst = static_cast<double>(v);
    ES_RETURN_IF_ERROR(ReadInt(s, "probe_ttl_s", "limits", 0, &c.probe_ttl_s));
    ES_RETURN_IF_ERROR(ReadInt(s, "confirm_above", "limits", -1, &c.confirm_above));
    ES_RETURN_IF_ERROR(ReadInt(s, "probe_timeout_ms", "limits", 100, &c.probe_timeout_ms));
    ES_RETURN_IF_ERROR(ReadInt(s, "token_refresh_margin_s", "limits", 0, &c.token_refresh_margin_s));
    v = c.http_threads;
    ES_RETURN_IF_ERROR(ReadInt(s, "http_threads", "limits", 1, &v));
    c.http_threads = static_cast<int>(v);
    ES_RETURN_IF_ERROR(ReadInt(s, "keep_alive_timeout_ms", "limits", 100, &c.keep_alive_timeout_ms));
    ES_RETURN_IF_ERROR(ReadInt(s, "header_timeout_ms", "limits", 100, &c.header_timeout_ms));
    ES_RETURN_IF_ERROR(ReadInt(s, "body_timeout_ms", "limits", 100, &c.body_timeout_ms));
    v = c.max_connections_per_client;
    ES_RETURN_IF_ERROR(ReadInt(s, "max_connections_per_client", "limits", 0, &v));
    c.max_connections_per_client = static_cast<int>(std::min<int64_t>(v, 1 << 20));
    v = c.max_connections;
    ES_RETURN_IF_ERROR(ReadInt(s, "max_connections", "limits", 1, &v));
    c.max_connections = static_cast<int>(std::min<int64_t>(v, 1 << 20));
  }
  if (j.contains("network")) {
    const Json& s = j["network"];
    ES_RETURN_IF_ERROR(OnlyKeys(s, {"allow_private_targets", "allowed_targets"}, "network"));
    if (s.contains("allow_private_targets")) {
      if (!s["allow_private_targets"].is_boolean()) {
        return Status::Validation("config network.allow_private_targets must be true or false");
      }
      c.allow_private_targets = s["allow_private_targets"].get<bool>();
    }
    if (s.contains("allowed_targets")) {
      const Json& list = s["allowed_targets"];
      if (!list.is_array()) return Status::Validation("config network.allowed_targets must be a list of \"host[:port]\"");
      c.allowed_targets.clear();
      for (const Json& e : list) {
        if (!e.is_string() || e.get<std::string>().empty()) {
          return Status::Validation("config network.allowed_targets entries must be non-empty \"host[:port]\" strings");
        }
        c.allowed_targets.push_back(e.get<std::string>());
      }
    }
  }
  return Status::Ok();
}

void ApplyEnv(const EnvLookup& env, ServerConfig& c) {
  auto set = [&](const char* name, std::string* out) {
    if (auto v = env(name); v.has_value() && !v->empty()) *out = *v;
  };
  set("EASYSALE_STORE_URL", &c.store_url);
  set("EASYSALE_DATA", &c.data_dir);
  set("EASYSALE_MASTER_KEY", &c.master_key_hex);
  set("EASYSALE_MASTER_KEY_FILE", &c.master_key_file);
  set("EASYSALE_JWT_SECRET", &c.jwt_secret);
  set("EASYSALE_JWT_PUBLIC_KEY_FILE", &c.jwt_public_key_file);
  set("EASYSALE_JWT_ISSUER", &c.jwt_issuer);
  set("EASYSALE_JWT_AUDIENCE", &c.jwt_audience);
  set("EASYSALE_METRICS_TOKEN", &c.metrics_token);
  set("EASYSALE_OAUTH_REDIRECT_URI", &c.oauth_redirect_uri);
  set("EASYSALE_QBO_CLIENT_ID", &c.qbo_client_id);
  set("EASYSALE_QBO_CLIENT_SECRET", &c.qbo_client_secret);
  set("EASYSALE_QBO_AUTHORIZE_URL", &c.qbo_authorize_url);
  set("EASYSALE_QBO_TOKEN_URL", &c.qbo_token_url);
  set("EASYSALE_QBO_API_BASE", &c.qbo_api_base);
  if (auto v = env("EASYSALE_ALLOW_PRIVATE_TARGETS"); v.has_value() && !v->empty()) {
    c.allow_private_targets = *v == "1" || *v == "true" || *v == "yes";
  }
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Validation("cannot read file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<ServerConfig> LoadServerConfig(const std::string& config_file, const EnvLookup& env) {
  ServerConfig c;
  if (!config_file.empty()) {
    ES_ASSIGN_OR_RETURN(std::string text, ReadTextFile(config_file));
    auto j = ParseJson(text);
    if (!j.ok()) return Status::Validation("config file '" + config_file + "': " + j.status().message());
    Status s = ApplyFile(*j, c);
    if (!s.ok()) return s.WithContext("config file '" + config_file + "'");
  }
  ApplyEnv(env, c);
  return c;
}

std::string DefaultDataDir(const EnvLookup& env) {
  if (auto v = env("EASYSALE_DATA"); v.has_value() && !v->empty()) return *v;
  if (auto v = env("XDG_DATA_HOME"); v.has_value() && !v->empty() && (*v)[0] == '/') return *v + "/easysale-sync";
  if (auto v = env("HOME"); v.has_value() && !v->empty()) return *v + "/.local/share/easysale-sync";
  return ".easysale-sync";
}

Status PrepareDataDir(const std::string& dir) {
  if (dir.empty()) return Status::Validation("the data directory is empty");
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::Validation("cannot create data directory '" + dir + "': " + ec.message());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::Validation("cannot create data directory '" + dir + "': " + std::strerror(errno));
  return Status::Ok();
}

std::string MasterKeyPath(const std::string& data_dir) { return data_dir + "/master.key"; }

Result<std::string> ResolveStoreUrl(const ServerConfig& config) {
  if (!config.store_url.empty()) return config.store_url;
  std::string dir = config.data_dir.empty() ? DefaultDataDir() : config.data_dir;
  ES_RETURN_IF_ERROR(PrepareDataDir(dir));
  return "sqlite://" + std::filesystem::absolute(dir).string() + "/state.db";
}

Result<std::unique_ptr<SecretBox>> LoadMasterKey(const std::string& hex, const std::string& file,
                                                 const std::string& data_dir) {
  if (!hex.empty()) {
    auto box = SecretBox::FromHexKey(Trim(hex));
    if (!box.ok()) {
      return Status::Validation("EASYSALE_MASTER_KEY is malformed: expected exactly 64 hex characters (32 bytes)");
    }
    return std::make_unique<SecretBox>(*box);
  }
  std::string path = file;
  const char* what = "EASYSALE_MASTER_KEY_FILE";
  if (path.empty() && !data_dir.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(MasterKeyPath(data_dir), ec)) {
      path = MasterKeyPath(data_dir);
      what = "master key file";
    }
  }
  if (path.empty()) {
    return Status::NotFound(
        "no master key: credentials are stored encrypted; run `easysale-sync key generate` or set "
        "EASYSALE_MASTER_KEY=$(openssl rand -hex 32)");
  }
  auto text = ReadTextFile(path);
  if (!text.ok()) return Status::Validation(std::string(what) + ": " + text.status().message());
  auto box = SecretBox::FromHexKey(Trim(*text));
  if (!box.ok()) {
    return Status::Validation(std::string(what) + " '" + path +
                              "' is malformed: expected exactly 64 hex characters (32 bytes)");
  }
  return std::make_unique<SecretBox>(*box);
}

Result<ServerKeys> BuildServerKeys(const ServerConfig& config, const Clock* clock) {
  ServerKeys keys;
  auto box = LoadMasterKey(config.master_key_hex, config.master_key_file,
                           config.data_dir.empty() ? DefaultDataDir() : config.data_dir);
  if (!box.ok()) {
    if (!box.status().IsNotFound()) return box.status();
    return Status::Validation(
        "no master key: set EASYSALE_MASTER_KEY (64 hex characters, e.g. $(openssl rand -hex 32)) or "
        "EASYSALE_MASTER_KEY_FILE, or run `easysale-sync key generate`; credentials are encrypted with it");
  }
  keys.box = std::move(*box);

  auth::VerifierConfig vc;
  vc.algorithms.clear();
  if (!config.jwt_secret.empty()) {
    if (config.jwt_secret.size() < 32) {
      return Status::Validation("EASYSALE_JWT_SECRET is too short: HS256 needs at least 32 bytes");
    }
    vc.algorithms.push_back(auth::JwtAlgorithm::kHS256);
    vc.hs256_secret = config.jwt_secret;
  }
  if (!config.jwt_public_key_file.empty()) {
    auto pem = ReadTextFile(config.jwt_public_key_file);
    if (!pem.ok()) return Status::Validation("EASYSALE_JWT_PUBLIC_KEY_FILE: " + pem.status().message());
    vc.algorithms.push_back(auth::JwtAlgorithm::kRS256);
    vc.rs256_public_key_pem = *pem;
  }
  if (vc.algorithms.empty()) {
    return Status::Validation(
        "no JWT key: set EASYSALE_JWT_SECRET (HS256, at least 32 bytes) or EASYSALE_JWT_PUBLIC_KEY_FILE (RS256 PEM)");
  }
  vc.issuer = config.jwt_issuer;
  vc.audience = config.jwt_audience;
  vc.leeway_seconds = config.jwt_leeway_s;
  vc.clock = clock;
  auto verifier = auth::JwtVerifier::Create(vc);
  if (!verifier.ok()) return verifier.status().WithContext("JWT configuration");
  keys.verifier = std::make_unique<auth::JwtVerifier>(std::move(*verifier));
  return keys;
}

}  // namespace es::server
