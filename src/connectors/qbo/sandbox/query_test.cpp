#include "connectors/qbo/sandbox/query.h"

#include <gtest/gtest.h>

#include <random>

namespace es::qbo::sandbox {
namespace {

Query MustParse(std::string_view text) {
  auto q = ParseQuery(text);
  EXPECT_TRUE(q.ok()) << text << " -> " << q.status().ToString();
  return q.ok() ? *q : Query{};
}

std::string ErrorOf(std::string_view text) {
  auto q = ParseQuery(text);
  EXPECT_FALSE(q.ok()) << "expected a parse error for: " << text;
  if (q.ok()) return {};
  EXPECT_EQ(q.status().code(), "4001");
  return q.status().message();
}

Json Entity(std::string_view json) { return ParseJson(json).value(); }

TEST(QueryParse, SelectStarDefaults) {
  Query q = MustParse("SELECT * FROM Customer");
  EXPECT_FALSE(q.count);
  EXPECT_EQ(q.entity, "Customer");
  EXPECT_TRUE(q.where.empty());
  EXPECT_EQ(q.start_position, 1);
  EXPECT_EQ(q.max_results, 100);
}

TEST(QueryParse, KeywordsAreCaseInsensitive) {
  Query q = MustParse("select count(*) from invoice where Balance > '0' orderby TxnDate desc "
                      "startposition 11 maxresults 10");
  EXPECT_TRUE(q.count);
  EXPECT_EQ(q.entity, "invoice");
  ASSERT_EQ(q.where.size(), 1u);
  EXPECT_EQ(q.where[0].op, CompareOp::kGt);
  ASSERT_EQ(q.order_by.size(), 1u);
  EXPECT_TRUE(q.order_by[0].descending);
  EXPECT_EQ(q.start_position, 11);
  EXPECT_EQ(q.max_results, 10);
}

TEST(QueryParse, AllOperators) {
  Query q = MustParse(
      "SELECT * FROM Item WHERE A = 'x' AND B < 1 AND C > 2.5 AND D <= '3' AND E >= -4 "
      "AND F IN ('a', 'b', 'c') AND G LIKE 'Hood%' AND Active IN (true, false)");
  ASSERT_EQ(q.where.size(), 8u);
  EXPECT_EQ(q.where[0].op, CompareOp::kEq);
  EXPECT_EQ(q.where[1].op, CompareOp::kLt);
  EXPECT_EQ(q.where[2].op, CompareOp::kGt);
  EXPECT_EQ(q.where[2].values[0].kind, Literal::Kind::kNumber);
  EXPECT_EQ(q.where[3].op, CompareOp::kLe);
  EXPECT_EQ(q.where[4].op, CompareOp::kGe);
  EXPECT_EQ(q.where[4].values[0].text, "-4");
  EXPECT_EQ(q.where[5].op, CompareOp::kIn);
  EXPECT_EQ(q.where[5].values.size(), 3u);
  EXPECT_EQ(q.where[6].op, CompareOp::kLike);
  EXPECT_EQ(q.where[7].values[1].kind, Literal::Kind::kBool);
  EXPECT_EQ(q.where[7].values[1].text, "false");
}

TEST(QueryParse, DottedFieldsAndProjection) {
  Query q = MustParse("SELECT Id, DisplayName FROM Customer WHERE MetaData.LastUpdatedTime >= "
                      "'2026-03-01T00:00:00-08:00' AND PrimaryEmailAddr.Address = 'a@b.com'");
  EXPECT_EQ(q.where[0].field, "MetaData.LastUpdatedTime");
  EXPECT_EQ(q.where[1].field, "PrimaryEmailAddr.Address");
}

TEST(QueryParse, EscapedQuotesAndBackslashes) {
  Query q = MustParse(R"(SELECT * FROM Customer WHERE DisplayName = 'Amy\'s Bird \\ Sanctuary')");
  EXPECT_EQ(q.where[0].values[0].text, R"(Amy's Bird \ Sanctuary)");
  // An escaped quote at the very end of the literal.
  q = MustParse(R"(SELECT * FROM Customer WHERE DisplayName = 'O\'')");
  EXPECT_EQ(q.where[0].values[0].text, "O'");
  // A literal consisting of a single backslash.
  q = MustParse(R"(SELECT * FROM Customer WHERE DisplayName = '\\')");
  EXPECT_EQ(q.where[0].values[0].text, "\\");
  // A backslash before anything else stays a backslash (clients that only escape quotes).
  q = MustParse(R"(SELECT * FROM Customer WHERE DisplayName = 'C:\temp \ x\n')");
  EXPECT_EQ(q.where[0].values[0].text, R"(C:\temp \ x\n)");
}

TEST(QueryParse, SqlMetacharactersInsideLiteralsAreData) {
  const char* hostile = R"(x'; DROP TABLE Customer; -- OR 1=1 /* */ % _ ( ) , * = < >)";
  std::string escaped;
  for (const char* p = hostile; *p; ++p) {
    if (*p == '\'' || *p == '\\') escaped.push_back('\\');
    escaped.push_back(*p);
  }
  Query q = MustParse("SELECT * FROM Customer WHERE DisplayName = '" + escaped + "'");
  ASSERT_EQ(q.where.size(), 1u);
  EXPECT_EQ(q.where[0].values[0].text, hostile);
}

TEST(QueryParse, UnicodeLiterals) {
  Query q = MustParse("SELECT * FROM Customer WHERE DisplayName = 'Zoë Ünïcødé 東京 🚀'");
  EXPECT_EQ(q.where[0].values[0].text, "Zoë Ünïcødé 東京 🚀");
}

TEST(QueryParse, RejectsUnsupportedSyntax) {
  EXPECT_NE(ErrorOf("SELECT * FROM Customer WHERE A = '1' OR B = '2'").find("OR is not supported"), std::string::npos);
  EXPECT_NE(ErrorOf("SELECT * FROM Customer JOIN Invoice").find("JOIN"), std::string::npos);
  ErrorOf("SELECT * FROM Customer WHERE A != '1'");
  ErrorOf("SELECT * FROM Customer WHERE A <> '1'");
  ErrorOf("SELECT * FROM Customer WHERE NOT A = '1'");
  ErrorOf("SELECT * FROM Customer WHERE A NOT IN ('1')");
  ErrorOf("SELECT * FROM Customer GROUP BY A");
  ErrorOf("SELECT * FROM Customer ORDER BY A");
  ErrorOf("SELECT * FROM Customer WHERE A = '1';");
  ErrorOf("SELECT * FROM Customer WHERE A LIKE 5");
  ErrorOf("SELECT * FROM Customer WHERE A = 'unterminated");
  ErrorOf(R"(SELECT * FROM Customer WHERE A = 'ends in backslash\')");
  ErrorOf("SELECT * FROM");
  ErrorOf("SELECT FROM Customer");
  ErrorOf("");
  ErrorOf("DELETE FROM Customer");
  ErrorOf("SELECT * FROM Customer WHERE");
  ErrorOf("SELECT * FROM Customer WHERE A IN ()");
  ErrorOf("SELECT * FROM Customer WHERE A = \"double\"");
  ErrorOf("SELECT * FROM Customer STARTPOSITION 1 STARTPOSITION 2");
}

TEST(QueryParse, PagingLimits) {
  EXPECT_NE(ErrorOf("SELECT * FROM Customer MAXRESULTS 1500").find("value 1500 is too large. Max allowed value is 1000"),
            std::string::npos);
  EXPECT_NE(ErrorOf("SELECT * FROM Customer STARTPOSITION 0").find("value 0 is too small"), std::string::npos);
  ErrorOf("SELECT * FROM Customer MAXRESULTS 0");
  ErrorOf("SELECT * FROM Customer MAXRESULTS 1.5");
  EXPECT_EQ(MustParse("SELECT * FROM Customer MAXRESULTS 1000").max_results, 1000);
  EXPECT_EQ(MustParse("SELECT * FROM Customer MAXRESULTS 5 STARTPOSITION 3").start_position, 3);
}

TEST(QueryParse, InvalidUtf8InLiteralIsAnError) {
  std::string q = "SELECT * FROM Customer WHERE DisplayName = '\xff\xfe'";
  ErrorOf(q);
}

TEST(QueryParse, FuzzNeverCrashes) {
  std::mt19937 rng(7);
  const std::string alphabet = "SELECTFROMWHEREANDORIN*(),'\\%=<>!; \t\n0123456789.-abcxyz\xc3\xa9\xff";
  const std::string seed = "SELECT * FROM Customer WHERE DisplayName = 'a\\'b' AND Id IN ('1','2') MAXRESULTS 10";
  for (int i = 0; i < 20000; ++i) {
    std::string s = seed;
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < edits; ++k) {
      size_t pos = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        case 1: if (pos < s.size()) s.erase(pos, 1); break;
        default: if (pos < s.size()) s[pos] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    auto q = ParseQuery(s);
    if (!q.ok()) {
      EXPECT_EQ(q.status().code(), "4001");
    }
  }
}

TEST(QueryMatch, EqualityIsCaseInsensitiveOnText) {
  Json c = Entity(R"({"DisplayName":"Amy's Bird Sanctuary","Active":true})");
  Query q = MustParse(R"(SELECT * FROM Customer WHERE DisplayName = 'amy\'s bird sanctuary')");
  EXPECT_TRUE(MatchesAll(q.where, c));
  q = MustParse("SELECT * FROM Customer WHERE DisplayName = 'Amy'");
  EXPECT_FALSE(MatchesAll(q.where, c));
}

TEST(QueryMatch, CaseFoldingCoversCommonScripts) {
  Json c = Entity(R"({"DisplayName":"Zoë Ünïcødé Ωμέγα Пётр"})");
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Customer WHERE DisplayName = 'ZOË ÜNÏCØDÉ ΩΜέΓΑ ПЁТР'").where, c));
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Customer WHERE DisplayName LIKE 'zoë ü%'").where, c));
}

TEST(QueryMatch, NumbersCompareExactly) {
  Json inv = ParseJson(R"({"TotalAmt": 300.10, "Id": "12"})").value();
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE TotalAmt > '300.00'").where, inv));
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE TotalAmt = 300.1").where, inv));
  EXPECT_FALSE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE TotalAmt >= 300.11").where, inv));
  // Ids are strings but order numerically.
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE Id > '9'").where, inv));
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE Id IN ('1', '12')").where, inv));
}

TEST(QueryMatch, TimestampsCompareByInstant) {
  Json c = Entity(R"({"MetaData":{"LastUpdatedTime":"2026-03-02T10:00:00-08:00"}})");
  // 10:00 -08:00 is 18:00Z.
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime >= '2026-03-02T17:59:59Z'").where, c));
  EXPECT_FALSE(MatchesAll(MustParse("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime > '2026-03-02T18:00:00Z'").where, c));
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime < '2026-03-03'").where, c));
}

TEST(QueryMatch, ReferencesBooleansAndMissingFields) {
  Json inv = Entity(R"({"CustomerRef":{"value":"58","name":"Ada"},"Active":false})");
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE CustomerRef = '58'").where, inv));
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE Active = false").where, inv));
  EXPECT_TRUE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE Active IN (true, false)").where, inv));
  EXPECT_FALSE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE Active = true").where, inv));
  EXPECT_FALSE(MatchesAll(MustParse("SELECT * FROM Invoice WHERE DocNumber = 'x'").where, inv));
  EXPECT_TRUE(MentionsField(MustParse("SELECT * FROM Invoice WHERE active = true"), "Active"));
}

TEST(QueryMatch, LikeUsesPercentOnly) {
  EXPECT_TRUE(LikeMatch("Hood%", "Hoodie - Blue"));
  EXPECT_TRUE(LikeMatch("%blue%", "Hoodie - Blue - M"));
  EXPECT_TRUE(LikeMatch("%", ""));
  EXPECT_TRUE(LikeMatch("a%b%c", "aXXbYYc"));
  EXPECT_FALSE(LikeMatch("a%b%c", "aXXbYY"));
  EXPECT_FALSE(LikeMatch("H_od", "Hood"));  // '_' is a literal character
  EXPECT_TRUE(LikeMatch("H_od", "h_od"));
  EXPECT_FALSE(LikeMatch("100", "100% cotton"));
  EXPECT_TRUE(LikeMatch("100%%", "100% cotton"));
}

TEST(QueryMatch, OrderingAndHostileValues) {
  Json a = Entity(R"({"Name":"b"})"), b = Entity(R"({"Name":"A"})"), none = Entity(R"({})");
  std::vector<OrderKey> asc = {{"Name", false}}, desc = {{"Name", true}};
  EXPECT_GT(CompareForOrder(asc, a, b), 0);
  EXPECT_LT(CompareForOrder(desc, a, b), 0);
  EXPECT_LT(CompareForOrder(asc, none, b), 0);
  Json hostile = Entity(R"({"DisplayName":"x'; DROP TABLE Customer; --"})");
  EXPECT_TRUE(MatchesAll(MustParse(R"(SELECT * FROM Customer WHERE DisplayName = 'x\'; DROP TABLE Customer; --')").where, hostile));
  EXPECT_TRUE(MatchesAll(MustParse(R"(SELECT * FROM Customer WHERE DisplayName LIKE 'x\'%')").where, hostile));
}

}  // namespace
}  // namespace es::qbo::sandbox
