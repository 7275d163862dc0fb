// The statements of the shared account budget (migration 0007_qbo_budget,
// sql_store_budget.cpp), in neutral SQL (store/sql/dialect.h).
#pragma once

namespace es::store::sql::q {

// Locks the account's row for the rest of the transaction (PostgreSQL: row
// lock; SQLite: the write lock of BEGIN IMMEDIATE) and reads it.
inline constexpr char kTouchBudget[] =
    "INSERT INTO qbo_budget (account, blocked_until_ms, blocks, updated_at_ms) VALUES ($1, 0, 0, $2) "
    "ON CONFLICT (account) DO UPDATE SET updated_at_ms = excluded.updated_at_ms "
    "RETURNING blocked_until_ms, blocks";
// $2 = now - 60 s, $3 = now - 1 s, $4 = now.
inline constexpr char kBudgetUse[] =
    "SELECT "
    "COALESCE(SUM(CASE WHEN valid_until_ms > $2 THEN requests ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN valid_until_ms > $2 THEN batches ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN valid_until_ms > $3 THEN requests ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN open_until_ms > $4 THEN requests ELSE 0 END), 0), "
    "COALESCE(MIN(CASE WHEN valid_until_ms > $2 THEN valid_until_ms ELSE NULL END), 0), "
    "COALESCE(MIN(CASE WHEN valid_until_ms > $3 THEN valid_until_ms ELSE NULL END), 0), "
    "COALESCE(MIN(CASE WHEN valid_until_ms > $2 AND batches > 0 THEN valid_until_ms ELSE NULL END), 0) "
    "FROM qbo_budget_blocks WHERE account = $1 AND (valid_until_ms > $2 OR open_until_ms > $4)";
inline constexpr char kAddBudgetBlock[] =
    "INSERT INTO qbo_budget_blocks (account, block_id, granted_at_ms, valid_until_ms, requests, batches, "
    "open_until_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)";
inline constexpr char kCountBudgetBlock[] = "UPDATE qbo_budget SET blocks = $2 WHERE account = $1";
// Blocks out of every window and no longer open ($2 = now - 2 min, $3 = now).
inline constexpr char kPurgeBudgetBlocks[] =
    "DELETE FROM qbo_budget_blocks WHERE account = $1 AND valid_until_ms < $2 AND open_until_ms <= $3";
inline constexpr char kCloseBudgetBlock[] =
    "UPDATE qbo_budget_blocks SET open_until_ms = 0 WHERE account = $1 AND block_id = $2";
inline constexpr char kBlockBudget[] =
    "INSERT INTO qbo_budget (account, blocked_until_ms, blocks, updated_at_ms) VALUES ($1, $2, 0, $3) "
    "ON CONFLICT (account) DO UPDATE SET blocked_until_ms = CASE WHEN qbo_budget.blocked_until_ms > "
    "excluded.blocked_until_ms THEN qbo_budget.blocked_until_ms ELSE excluded.blocked_until_ms END, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr char kBudgetBlockedUntil[] = "SELECT blocked_until_ms FROM qbo_budget WHERE account = $1";

}  // namespace es::store::sql::q
