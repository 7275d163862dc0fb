#include "store/sql/migrations.h"

#include <deque>
#include <string>
#include <vector>

namespace es::store::sql {
namespace {

// Each included file is a C++ raw string literal wrapping neutral SQL.
constexpr Migration kMigrations[] = {
    {1, "init",
#include "store/migrations/0001_init.sql"
    },
    {2, "runs",
#include "store/migrations/0002_runs.sql"
    },
    {3, "server",
#include "store/migrations/0003_server.sql"
    },
    {4, "webhooks",
#include "store/migrations/0004_webhooks.sql"
    },
    {5, "jobs",
#include "store/migrations/0005_jobs.sql"
    },
    {6, "schedules",
#include "store/migrations/0006_schedules.sql"
    },
    {7, "qbo_budget",
#include "store/migrations/0007_qbo_budget.sql"
    },
    {8, "notifications",
#include "store/migrations/0008_notifications.sql"
    },
    {9, "twoway",
#include "store/migrations/0009_twoway.sql"
    },
    {10, "confirmations",
#include "store/migrations/0010_confirmations.sql"
    },
    {11, "mappings",
#include "store/migrations/0011_mappings.sql"
    },
    {12, "users",
#include "store/migrations/0012_users.sql"
    },
    {13, "safety_nets",
#include "store/migrations/0013_safety_nets.sql"
    },
    {14, "tenant_settings",
#include "store/migrations/0014_tenant_settings.sql"
    },
};

struct RenderedList {
  explicit RenderedList(Dialect d) {
    for (const Migration& m : kMigrations) {
      texts.push_back(Render(m.sql, d));
      list.push_back({m.version, m.name, texts.back().c_str()});
    }
  }
  std::deque<std::string> texts;  // stable addresses
  std::vector<Migration> list;
};

}  // namespace

std::span<const Migration> NeutralMigrations() { return kMigrations; }

std::span<const Migration> RenderedMigrations(Dialect d) {
  static const RenderedList sqlite(Dialect::kSqlite);
  static const RenderedList postgres(Dialect::kPostgres);
  return d == Dialect::kSqlite ? std::span<const Migration>(sqlite.list) : std::span<const Migration>(postgres.list);
}

std::string MigrationLabel(const Migration& m) {
  std::string v = std::to_string(m.version);
  if (v.size() < 4) v.insert(0, 4 - v.size(), '0');
  return v + "_" + m.name;
}

}  // namespace es::store::sql
