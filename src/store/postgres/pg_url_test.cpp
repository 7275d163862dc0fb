// Server-free tests: URL recognition and redaction, the password scrubber,
// and the SQLSTATE → Status mapping.
#include "store/postgres/pg_url.h"

#include <gtest/gtest.h>

#include "store/postgres/pg_conn.h"

namespace es::store::postgres {
namespace {

TEST(PgUrl, RecognisesSchemes) {
  EXPECT_TRUE(IsPostgresUrl("postgres://h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgresql://u:p@h:5432/db?sslmode=require"));
  EXPECT_TRUE(IsPostgresUrl("PostgreSQL://h"));
  EXPECT_FALSE(IsPostgresUrl("sqlite:///x.db"));
  EXPECT_FALSE(IsPostgresUrl("host=localhost dbname=x"));
  EXPECT_FALSE(IsPostgresUrl("postgres:/h"));
}

TEST(PgUrl, RedactsUserinfoAndQueryPasswords) {
  EXPECT_EQ(RedactUrl("postgres://admin:s3cr3t@db.example:5432/sync"), "postgres://admin:***@db.example:5432/sync");
  EXPECT_EQ(RedactUrl("postgres://admin@db.example/sync"), "postgres://admin@db.example/sync");
  EXPECT_EQ(RedactUrl("postgres://db.example/sync?user=a&password=s3cr3t&sslmode=require"),
            "postgres://db.example/sync?user=a&password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://a:p%40ss@h/db?PASSWORD=x"), "postgresql://a:***@h/db?PASSWORD=***");
  // A raw '@' inside the password stays inside the redacted part.
  EXPECT_EQ(RedactUrl("postgres://a:p@ss@h/db"), "postgres://a:***@h/db");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

TEST(PgUrl, ScrubberRemovesEverySpelling) {
  SecretScrubber s("postgres://admin:S3cr%21t@db/x?password=Other-Pw");
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(s.Scrub("a S3cr%21t b S3cr!t c Other-Pw"), "a *** b *** c ***");
  EXPECT_EQ(s.Scrub("nothing secret"), "nothing secret");

  SecretScrubber raw_at("postgres://u:p4ss@w0rd@host/db");
  const std::string scrubbed = raw_at.Scrub("could not translate host name \"w0rd@host\" to address");
  EXPECT_EQ(scrubbed.find("w0rd"), std::string::npos) << scrubbed;

  SecretScrubber none("postgres://u@host/db");
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.Scrub("text"), "text");
}

TEST(PgStatus, SqlStateMapping) {
  EXPECT_TRUE(StatusFromSqlState("23505", "dup").IsConflict());
  EXPECT_TRUE(StatusFromSqlState("23503", "fk").IsConflict());
  EXPECT_TRUE(StatusFromSqlState("40001", "serialization").IsNetwork());
  EXPECT_TRUE(StatusFromSqlState("40P01", "deadlock").IsNetwork());
  EXPECT_TRUE(StatusFromSqlState("40P01", "deadlock").retryable());
  EXPECT_TRUE(StatusFromSqlState("08006", "conn").IsNetwork());
  EXPECT_TRUE(StatusFromSqlState("57P01", "admin shutdown").IsNetwork());
  EXPECT_TRUE(StatusFromSqlState("53300", "too many connections").IsNetwork());
  EXPECT_TRUE(StatusFromSqlState("22021", "bad utf8").IsValidation());
  EXPECT_TRUE(StatusFromSqlState("54000", "index row too big").IsValidation());
  Status other = StatusFromSqlState("42P01", "relation does not exist");
  EXPECT_EQ(other.category(), ErrorCategory::kInternal);
  EXPECT_EQ(other.code(), "pg:42P01");
  EXPECT_EQ(other.message(), "relation does not exist");
}

}  // namespace
}  // namespace es::store::postgres
