#include "store/encrypted_store.h"

namespace es::store {
namespace {

const char* const kTokenFields[] = {"access_token", "refresh_token", "access_expires_at_ms", "refresh_expires_at_ms"};

// Keeps the stored OAuth tokens when `incoming` would replace them with older
// ones (see the header). Both are plaintext secrets; non-JSON secrets pass.
std::string KeepNewestTokens(const std::string& incoming, const std::string& stored) {
  auto in = ParseJson(incoming);
  auto old = ParseJson(stored);
  if (!in.ok() || !old.ok() || !in->is_object() || !old->is_object()) return incoming;
  const std::string in_refresh = GetStringOr(*in, "refresh_token");
  const std::string old_refresh = GetStringOr(*old, "refresh_token");
  if (in_refresh.empty() || old_refresh.empty() || in_refresh == old_refresh) return incoming;
  // Tokens written without an expiry (entered by hand) always win.
  const int64_t in_expiry = GetIntOr(*in, "access_expires_at_ms", 0);
  if (in_expiry <= 0 || in_expiry >= GetIntOr(*old, "access_expires_at_ms", 0)) return incoming;
  Json merged = *in;
  for (const char* f : kTokenFields) {
    if (old->contains(f)) merged[f] = (*old)[f];
  }
  return DumpJson(merged);
}

}  // namespace

std::mutex& EncryptedStore::MutexFor(const std::string& tenant, const std::string& id) {
  std::lock_guard lock(mu_);
  auto& m = write_mu_[AssociatedData(tenant, id)];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

Status EncryptedStore::Open(Connection& c) const {
  if (c.secret.empty() || !SecretBox::LooksSealed(c.secret)) return Status::Ok();
  auto plain = box_.Open(c.secret, AssociatedData(c.tenant_id, c.id));
  if (!plain.ok()) {
    return Status::Internal("credentials of connection '" + c.id +
                                  "' could not be decrypted (wrong master key or corrupted data)");
  }
  c.secret = std::move(*plain);
  return Status::Ok();
}

Status EncryptedStore::PutConnection(const Connection& c) {
  if (c.secret.empty()) return ForwardingStore::PutConnection(c);
  std::lock_guard lock(MutexFor(c.tenant_id, c.id));
  Connection sealed = c;
  auto stored = ForwardingStore::GetConnection(c.tenant_id, c.id);
  if (stored.ok() && stored->has_value()) {
    Connection old = **stored;
    if (Open(old).ok() && !old.secret.empty()) sealed.secret = KeepNewestTokens(c.secret, old.secret);
  }
  sealed.secret = box_.Seal(sealed.secret, AssociatedData(c.tenant_id, c.id));
  return ForwardingStore::PutConnection(sealed);
}

Result<std::optional<Connection>> EncryptedStore::GetConnection(const std::string& tenant, const std::string& id) {
  ES_ASSIGN_OR_RETURN(std::optional<Connection> c, ForwardingStore::GetConnection(tenant, id));
  if (c.has_value()) ES_RETURN_IF_ERROR(Open(*c));
  return c;
}

Result<std::vector<Connection>> EncryptedStore::ListConnections(const std::string& tenant) {
  ES_ASSIGN_OR_RETURN(std::vector<Connection> list, ForwardingStore::ListConnections(tenant));
  for (Connection& c : list) ES_RETURN_IF_ERROR(Open(c));
  return list;
}

Status EncryptedStore::PutNotificationSettings(const NotificationSettings& settings) {
  if (settings.secrets.empty()) return ForwardingStore::PutNotificationSettings(settings);
  NotificationSettings sealed = settings;
  sealed.secrets = box_.Seal(settings.secrets, settings.tenant_id + "/notifications");
  return ForwardingStore::PutNotificationSettings(sealed);
}

Result<std::optional<NotificationSettings>> EncryptedStore::GetNotificationSettings(const std::string& tenant) {
  ES_ASSIGN_OR_RETURN(std::optional<NotificationSettings> s, ForwardingStore::GetNotificationSettings(tenant));
  if (!s.has_value() || s->secrets.empty() || !SecretBox::LooksSealed(s->secrets)) return s;
  auto plain = box_.Open(s->secrets, tenant + "/notifications");
  if (!plain.ok()) {
    return Status::Internal("notification secrets of tenant '" + tenant +
                            "' could not be decrypted (wrong master key or corrupted data)");
  }
  s->secrets = std::move(*plain);
  return s;
}

}  // namespace es::store
