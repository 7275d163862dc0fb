#include "server/isolating_store.h"

#include "server/log.h"
#include "store/encrypted_store.h"

namespace es::server {

Status IsolatingStore::UnreadableStatus(const std::string& id) {
  return Status::Conflict("the stored credentials of connection '" + id +
                              "' cannot be decrypted (wrong master key or corrupted data); an admin can enter them "
                              "again (PUT /api/v1/connections/" + id + "/credentials) or delete the connection",
                          kCredentialsUnreadable);
}

bool IsolatingStore::Open(store::Connection& c) const {
  if (c.secret.empty() || !SecretBox::LooksSealed(c.secret)) return true;
  auto plain = box_.Open(c.secret, store::EncryptedStore::AssociatedData(c.tenant_id, c.id));
  if (!plain.ok()) return false;
  c.secret = std::move(*plain);
  return true;
}

Result<std::vector<store::Connection>> IsolatingStore::ListConnections(const std::string& tenant) {
  auto all = ForwardingStore::ListConnections(tenant);
  if (all.ok()) return all;
  // One secret did not open: list again from below and leave those out.
  auto rows = base_.ListConnections(tenant);
  if (!rows.ok()) return all.status();
  std::vector<store::Connection> readable;
  for (store::Connection& c : *rows) {
    if (Open(c)) {
      readable.push_back(std::move(c));
    } else {
      Log(LogLevel::kWarn, "credentials_unreadable", {{"tenant", tenant}, {"connection", c.id}});
    }
  }
  return readable;
}

Result<std::optional<store::Connection>> IsolatingStore::GetConnection(const std::string& tenant,
                                                                       const std::string& id) {
  auto c = ForwardingStore::GetConnection(tenant, id);
  if (c.ok()) return c;
  auto unreadable = GetUnreadable(tenant, id);
  if (unreadable.ok() && unreadable->has_value()) return UnreadableStatus(id);
  return c.status();
}

Result<std::vector<store::Connection>> IsolatingStore::ListUnreadable(const std::string& tenant) {
  ES_ASSIGN_OR_RETURN(std::vector<store::Connection> rows, base_.ListConnections(tenant));
  std::vector<store::Connection> out;
  for (store::Connection& c : rows) {
    if (Open(c)) continue;
    c.secret.clear();
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::optional<store::Connection>> IsolatingStore::GetUnreadable(const std::string& tenant,
                                                                       const std::string& id) {
  ES_ASSIGN_OR_RETURN(std::optional<store::Connection> row, base_.GetConnection(tenant, id));
  if (!row.has_value() || Open(*row)) return std::optional<store::Connection>();
  row->secret.clear();
  return row;
}

}  // namespace es::server
