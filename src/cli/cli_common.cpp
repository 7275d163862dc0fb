#include "cli/cli_common.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <strings.h>
#include <sstream>

#include "common/clock.h"
#include "common/secret_box.h"
#include "http/url.h"
#include "platforms/platforms.h"
#include "server/server_config.h"
#include "store/encrypted_store.h"
#include "store/factory/open_store.h"
#include "store/forwarding_store.h"

namespace es::cli {
namespace {

// What an opened store owns: the store itself and, with a master key, the
// SecretBox and the EncryptedStore above it.
struct StoreParts {
  std::unique_ptr<store::StateStore> base;
  std::unique_ptr<SecretBox> box;
  std::unique_ptr<store::EncryptedStore> sealed;
};

// The store a command uses: every call goes through the EncryptedStore when
// there is one. StoreParts is a base so it is built before ForwardingStore
// is given the store it forwards to. Without a key, a sealed secret is
// refused by name instead of being handed on as if it were JSON.
class CliStore final : private StoreParts, public store::ForwardingStore {
 public:
  explicit CliStore(StoreParts parts)
      : StoreParts(std::move(parts)),
        ForwardingStore(sealed ? static_cast<store::StateStore&>(*sealed) : *base) {}

  Result<std::optional<store::Connection>> GetConnection(const std::string& tenant, const std::string& id) override {
    auto c = ForwardingStore::GetConnection(tenant, id);
    if (!c.ok() && box) {
      auto raw = base->GetConnection(tenant, id);
      if (raw.ok() && raw->has_value() && SecretBox::LooksSealed((*raw)->secret)) return WrongKey(id);
    }
    if (c.ok() && c->has_value()) ES_RETURN_IF_ERROR(Readable(**c));
    return c;
  }

  // Connections whose credentials do not open with this key are listed
  // with them still sealed (as without a key): listing needs no secret,
  // and reading one of them (GetConnection) says what is wrong.
  Result<std::vector<store::Connection>> ListConnections(const std::string& tenant) override {
    auto all = ForwardingStore::ListConnections(tenant);
    if (all.ok() || !box) return all;
    ES_ASSIGN_OR_RETURN(std::vector<store::Connection> rows, base->ListConnections(tenant));
    for (auto& c : rows) {
      if (!SecretBox::LooksSealed(c.secret)) continue;
      auto plain = box->Open(c.secret, store::EncryptedStore::AssociatedData(c.tenant_id, c.id));
      if (plain.ok()) c.secret = std::move(*plain);
    }
    return rows;
  }

 private:
  static Status WrongKey(const std::string& id) {
    return Status::Validation("the credentials of connection '" + id +
                              "' do not open with this master key: use the key they were sealed with "
                              "(EASYSALE_MASTER_KEY, EASYSALE_MASTER_KEY_FILE or master.key in the data directory), "
                              "or store them again with `easysale-sync connection add`");
  }
  Status Readable(const store::Connection& c) const {
    if (box || !SecretBox::LooksSealed(c.secret)) return Status::Ok();
    return Status::Validation("the credentials of connection '" + c.id +
                              "' are sealed with a master key: set EASYSALE_MASTER_KEY or EASYSALE_MASTER_KEY_FILE, "
                              "or put the key file in the data directory (master.key)");
  }
};

std::string Env(const char* name) {
  const char* v = getenv(name);
  return v == nullptr ? "" : v;
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

}  // namespace

void AddStoreOptions(CLI::App* cmd, Common& c) {
  cmd->add_option("--store", c.store_url, "state store URL (default: sqlite://<data>/state.db)")
      ->envname("EASYSALE_STORE_URL");
  cmd->add_option("--data", c.data_dir,
                  "data directory (default: $XDG_DATA_HOME/easysale-sync or ~/.local/share/easysale-sync)")
      ->envname("EASYSALE_DATA");
}

void AddCommon(CLI::App* cmd, Common& c) {
  AddStoreOptions(cmd, c);
  cmd->add_option("--tenant", c.tenant, "tenant id (default: 'default')")->envname("EASYSALE_TENANT");
  cmd->add_flag("--json", c.json, "print JSON");
}

std::string DataDir(const Common& c) { return c.data_dir.empty() ? server::DefaultDataDir() : c.data_dir; }

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

// "error: <what>: [<category> <code>] <message>": the category only when it
// says more than the message (not for bad input or unknown names), and
// `what` left out when the message already starts with it, so that no
// prefix is printed twice.
int Fail(const std::string& what, const Status& s) {
  const std::string& msg = s.message();
  bool repeats = msg.size() >= what.size() && strncasecmp(msg.c_str(), what.c_str(), what.size()) == 0 &&
                 (msg.size() == what.size() || strchr(" :'(", msg[what.size()]) != nullptr);
  std::string line = "error: ";
  if (!repeats && !what.empty()) line += what + ": ";
  if (!s.IsValidation() && !s.IsNotFound())
    line += "[" + std::string(CategoryName(s.category())) + (s.code().empty() ? "" : " " + s.code()) + "] ";
  else if (!s.code().empty())
    line += "[" + s.code() + "] ";
  line += msg;
  fprintf(stderr, "%s\n", line.c_str());
  return s.IsValidation() || s.IsNotFound() ? 2 : 1;
}

int FailLine(const Status& s) {
  fprintf(stderr, "error: %s\n", s.message().c_str());
  return s.IsValidation() || s.IsNotFound() ? 2 : 1;
}

std::unique_ptr<store::StateStore> Open(const Common& c, int* rc, Credentials credentials) {
  const std::string dir = DataDir(c);
  std::string url = c.store_url;
  if (url.empty()) {
    Status made = server::PrepareDataDir(dir);
    if (!made.ok()) {
      *rc = FailLine(made);
      return nullptr;
    }
    url = "sqlite://" + std::filesystem::absolute(dir).string() + "/state.db";
  }
  auto key = server::LoadMasterKey(Env("EASYSALE_MASTER_KEY"), Env("EASYSALE_MASTER_KEY_FILE"), dir);
  if (!key.ok() && (!key.status().IsNotFound() || credentials == Credentials::kWrite)) {
    *rc = FailLine(key.status().IsNotFound() ? Status::Validation(key.status().message()) : key.status());
    return nullptr;
  }
  StoreParts parts;
  auto s = store::OpenStore(url);
  if (!s.ok()) {
    *rc = Fail("opening the state store", s.status());
    return nullptr;
  }
  parts.base = std::move(*s);
  if (key.ok()) {
    parts.box = std::move(*key);
    parts.sealed = std::make_unique<store::EncryptedStore>(*parts.base, *parts.box);
  }
  return std::make_unique<CliStore>(std::move(parts));
}

std::unique_ptr<store::StateStore> OpenForTenant(const Common& c, int* rc, Credentials credentials) {
  auto store = Open(c, rc, credentials);
  if (!store) return nullptr;
  auto tenant = store->GetTenant(c.tenant);
  if (!tenant.ok()) {
    *rc = Fail("reading tenant '" + c.tenant + "'", tenant.status());
    return nullptr;
  }
  if (!tenant->has_value()) {
    std::vector<std::string> known;
    if (auto all = store->ListTenants(); all.ok())
      for (const auto& t : *all) known.push_back(t.id);
    if (c.tenant == Common{}.tenant && !known.empty())
      fprintf(stderr,
              "error: no tenant named '%s'; name one with --tenant ID or EASYSALE_TENANT=ID (tenants: %s)\n",
              c.tenant.c_str(), Joined(known).c_str());
    else
      fprintf(stderr, "error: tenant '%s' does not exist (tenants: %s); add it with `easysale-sync tenant add %s`\n",
              c.tenant.c_str(), Joined(known).c_str(), c.tenant.c_str());
    *rc = 2;
    return nullptr;
  }
  return store;
}

int RequireConnections(store::StateStore& store, const Common& c, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    auto conn = store.GetConnection(c.tenant, id);
    if (!conn.ok() && conn.status().IsValidation()) return FailLine(conn.status());  // names the connection
    if (!conn.ok()) return Fail("reading connection '" + id + "'", conn.status());
    if (conn->has_value()) continue;
    std::vector<std::string> known;
    if (auto all = store.ListConnections(c.tenant); all.ok())
      for (const auto& k : *all) known.push_back(k.id);
    fprintf(stderr,
            "error: connection '%s' does not exist in tenant '%s' (connections: %s); add it with "
            "`easysale-sync connection add --tenant %s --id %s …`\n",
            id.c_str(), c.tenant.c_str(), Joined(known).c_str(), c.tenant.c_str(), id.c_str());
    return 2;
  }
  return 0;
}

CLI::Validator IdListValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value.find_first_not_of(" ,") == std::string::npos)
          return "give at least one source id, e.g. --ids 1234,1235 (leave --ids out to sync every record)";
        std::stringstream items(value + ",");
        std::string item;
        while (std::getline(items, item, ','))
          if (item.find_first_not_of(' ') == std::string::npos) return "an empty id in '" + value + "'";
        return "";
      },
      "ID[,ID…]");
}

int CheckSourceIds(store::StateStore& store, const Common& c, const std::string& source,
                   const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  auto conn = store.GetConnection(c.tenant, source);
  if (!conn.ok() || !conn->has_value()) return 0;  // reported by RequireConnections / the run
  const engine::Platform* p = platforms::Registry().Find((*conn)->kind);
  if (p == nullptr || !p->validate_ids) return 0;
  Status s = p->validate_ids(ids);
  return s.ok() ? 0 : FailLine(s);
}

namespace {

// "scheme://host:port" in lower case, the port always written; empty for
// text that is not an http(s) URL.
std::string OriginOf(const std::string& url) {
  auto u = http::ParseUrl(url);
  if (!u.ok()) return "";
  std::string origin = u->scheme + "://" + u->host + ":" + std::to_string(u->port);
  for (char& ch : origin) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  return origin;
}

// Requests to the origins of the connections that skip certificate checks
// go through a transport that skips them; every other request (the other
// side of the run, a token endpoint elsewhere) is verified as usual.
class PerConnectionTls final : public http::Transport {
 public:
  explicit PerConnectionTls(std::set<std::string> insecure_origins)
      : insecure_origins_(std::move(insecure_origins)),
        strict_(http::MakeCurlTransport()),
        relaxed_(http::MakeCurlTransport(Relaxed())) {}

  Result<http::Response> Send(const http::Request& request) override {
    return (insecure_origins_.count(OriginOf(request.url)) > 0 ? *relaxed_ : *strict_).Send(request);
  }

 private:
  static http::CurlOptions Relaxed() {
    http::CurlOptions o;
    o.insecure_skip_tls_verify = true;
    return o;
  }

  std::set<std::string> insecure_origins_;
  std::unique_ptr<http::Transport> strict_;
  std::unique_ptr<http::Transport> relaxed_;
};

}  // namespace

std::unique_ptr<http::Transport> TransportFor(store::StateStore& store, const std::string& tenant,
                                              const std::vector<std::string>& connections, bool warn) {
  std::set<std::string> insecure;
  for (const auto& id : connections) {
    auto conn = store.GetConnection(tenant, id);
    if (!conn.ok() || !conn->has_value() || !GetBoolOr((*conn)->config, "insecure_skip_tls_verify", false)) continue;
    // The connection's own hosts: every URL among its settings (woo
    // base_url; qbo api_base and token_url).
    std::string hosts;
    const Json& config = (*conn)->config;
    for (auto it = config.begin(); it != config.end(); ++it) {
      if (!it->is_string()) continue;
      const std::string origin = OriginOf(it->get<std::string>());
      if (origin.empty() || !insecure.insert(origin).second) continue;
      hosts += (hosts.empty() ? "" : ", ") + origin;
    }
    if (warn && !hosts.empty())
      fprintf(stderr,
              "warning: connection '%s' sets insecure_skip_tls_verify: TLS certificates are not verified for %s\n",
              id.c_str(), hosts.c_str());
  }
  if (insecure.empty()) return http::MakeCurlTransport();
  return std::make_unique<PerConnectionTls>(std::move(insecure));
}

std::unique_ptr<http::Transport> TransportFor(store::StateStore& store, const Common& c,
                                              const std::vector<std::string>& connections) {
  return TransportFor(store, c.tenant, connections, true);
}

engine::EngineOptions CliEngineOptions() {
  engine::EngineOptions options;
  // Every process on the state store shares each QuickBooks realm's budget.
  options.share_budgets_through_store = true;
  if (const char* lease = getenv("EASYSALE_LOCK_LEASE_MS"); lease != nullptr && atoll(lease) > 0)
    options.lock_lease_ms = atoll(lease);
  return options;
}

RunEngine MakeRunEngine(store::StateStore& store, const std::string& tenant,
                        const std::vector<std::string>& connections, bool warn_insecure,
                        engine::EngineOptions options) {
  RunEngine e;
  e.transport = TransportFor(store, tenant, connections, warn_insecure);
  e.orchestrator = std::make_unique<engine::Orchestrator>(store, *e.transport, SystemClock::Get(),
                                                          platforms::Registry(), std::move(options));
  return e;
}

}  // namespace es::cli
