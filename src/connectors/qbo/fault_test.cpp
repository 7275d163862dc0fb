#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "connectors/qbo/codec.h"

namespace es::qbo {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string JsonFault(const std::string& code, const std::string& message = "Some error",
                      const std::string& detail = "", const std::string& element = "") {
  Json f = {{"Fault",
             {{"Error", {{{"Message", message}, {"Detail", detail}, {"code", code}, {"element", element}}}},
              {"type", "ValidationFault"}}}};
  return DumpJson(f);
}

TEST(QboFault, GatewayLowerCase401IsAuthenticationAndRedactsToken) {
  std::string body = ReadFixture("fault_401_gateway.json");
  Status s = DecodeFault(401, body);
  EXPECT_TRUE(s.IsAuthentication()) << s.ToString();
  EXPECT_EQ(s.code(), "3200");
  EXPECT_NE(s.message().find("AuthenticationFailed"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Token expired"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("AB0eyJ"), std::string::npos) << "token leaked: " << s.message();
}

TEST(QboFault, ThrottleXmlIsRateLimit) {
  std::string body = ReadFixture("fault_429_throttle.xml");
  Status s = DecodeFault(429, body);
  EXPECT_TRUE(s.IsRateLimit()) << s.ToString();
  EXPECT_EQ(s.code(), "3001");
  EXPECT_FALSE(s.retry_after_ms().has_value());
  EXPECT_NE(s.message().find("The request limit was reached"), std::string::npos) << s.message();
  // Retry-After in seconds is honoured; the code alone (with a 2016-era 403) still means throttled.
  Status with_header = DecodeFault(429, body, "12");
  EXPECT_EQ(with_header.retry_after_ms(), 12000);
  EXPECT_TRUE(DecodeFault(403, body).IsRateLimit());
  EXPECT_TRUE(DecodeFault(429, "").IsRateLimit());
}

TEST(QboFault, DuplicateNameAndStaleAreConflicts) {
  Status dup = DecodeFault(400, ReadFixture("fault_6240_duplicate_name.json"));
  EXPECT_TRUE(dup.IsConflict());
  EXPECT_EQ(dup.code(), "6240");
  EXPECT_EQ(dup.message(), "Duplicate Name Exists Error: The name supplied already exists. : null");
  Status stale = DecodeFault(400, ReadFixture("fault_5010_stale.json"));
  EXPECT_TRUE(stale.IsConflict());
  EXPECT_EQ(stale.code(), "5010");
  EXPECT_NE(stale.message().find("Stale Object Error"), std::string::npos);
}

TEST(QboFault, OAuthErrors) {
  Status s = DecodeFault(400, ReadFixture("oauth_invalid_grant.json"));
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.code(), "invalid_grant");
  EXPECT_NE(s.message().find("Token invalid"), std::string::npos);
  EXPECT_TRUE(DecodeFault(401, R"({"error":"invalid_client"})").IsAuthentication());
  EXPECT_TRUE(DecodeFault(400, R"({"error":"invalid_client"})").IsAuthentication());
  EXPECT_TRUE(DecodeFault(400, R"({"error":"unsupported_grant_type"})").IsValidation());
}

TEST(QboFault, CategoryForEachCode) {
  struct Case {
    int http;
    const char* code;
    ErrorCategory want;
  };
  const Case cases[] = {
      {401, "100", ErrorCategory::kAuthentication},  {401, "120", ErrorCategory::kAuthentication},
      {401, "130", ErrorCategory::kAuthentication},  {403, "3100", ErrorCategory::kAuthentication},
      {401, "3200", ErrorCategory::kAuthentication}, {400, "3200", ErrorCategory::kAuthentication},
      {429, "3001", ErrorCategory::kRateLimit},      {400, "003001", ErrorCategory::kRateLimit},
      {400, "5010", ErrorCategory::kConflict},       {400, "6240", ErrorCategory::kConflict},
      {400, "6140", ErrorCategory::kConflict},       {400, "6210", ErrorCategory::kConflict},
      {400, "610", ErrorCategory::kNotFound},        {400, "6000", ErrorCategory::kValidation},
      {400, "2010", ErrorCategory::kValidation},     {400, "2020", ErrorCategory::kValidation},
      {400, "2030", ErrorCategory::kValidation},     {400, "2050", ErrorCategory::kValidation},
      {400, "2500", ErrorCategory::kValidation},     {400, "4001", ErrorCategory::kValidation},
      {400, "500", ErrorCategory::kValidation},      {400, "6190", ErrorCategory::kValidation},
      {500, "10000", ErrorCategory::kNetwork},       {400, "10000", ErrorCategory::kNetwork},
      {503, "", ErrorCategory::kNetwork},            {502, "", ErrorCategory::kNetwork},
      {404, "", ErrorCategory::kNotFound},           {400, "", ErrorCategory::kValidation},
      {200, "6190", ErrorCategory::kValidation},     {200, "5010", ErrorCategory::kConflict},
  };
  for (const Case& c : cases) {
    Status s = DecodeFault(c.http, JsonFault(c.code));
    EXPECT_EQ(s.category(), c.want) << c.http << " / " << c.code << " → " << s.ToString();
    if (*c.code) {
      EXPECT_EQ(s.code(), std::string(c.code).substr(std::string(c.code).find_first_not_of('0')));
    }
  }
}

TEST(QboFault, DuplicateDocNumberMatchedOnMessage) {
  Status s = DecodeFault(400, JsonFault("6999", "Duplicate Document Number Error", "Duplicate Document Number Error : You must specify a different number."));
  EXPECT_TRUE(s.IsConflict());
}

TEST(QboFault, MessageFormatWithElementAndSeveralErrors) {
  Json f = {{"Fault",
             {{"Error",
               {{{"Message", "Length exceeds limit"}, {"Detail", "Length of DocNumber exceeds 21"}, {"code", "2050"},
                 {"element", "DocNumber"}},
                {{"Message", "Invalid ID"}, {"code", "2030"}}}},
              {"type", "ValidationFault"}}}};
  Status s = DecodeFault(400, DumpJson(f));
  EXPECT_TRUE(s.IsValidation());
  EXPECT_EQ(s.code(), "2050");
  EXPECT_EQ(s.message(), "Length exceeds limit: Length of DocNumber exceeds 21 (element 'DocNumber'); Invalid ID");
}

TEST(QboFault, NonJsonBodies) {
  Status html = DecodeFault(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
  EXPECT_TRUE(html.IsNetwork());
  EXPECT_NE(html.message().find("HTTP 502"), std::string::npos);
  Status text = DecodeFault(400, "Bad Request");
  EXPECT_TRUE(text.IsValidation());
  EXPECT_EQ(text.message(), "HTTP 400: Bad Request");
  Status empty = DecodeFault(503, "");
  EXPECT_TRUE(empty.IsNetwork());
  Status broken = DecodeFault(400, "{\"Fault\":");
  EXPECT_TRUE(broken.IsValidation());
  Status other_json = DecodeFault(404, R"({"message":"no such route"})");
  EXPECT_TRUE(other_json.IsNotFound());
}

TEST(QboFault, FaultFromJsonAcceptsWrappedAndBare) {
  auto wrapped = ParseJson(JsonFault("610", "Object Not Found"));
  Status a = FaultFromJson(*wrapped);
  EXPECT_TRUE(a.IsNotFound());
  Status b = FaultFromJson((*wrapped)["Fault"]);
  EXPECT_TRUE(b.IsNotFound());
  EXPECT_EQ(b.message(), "Object Not Found");
  Status c = FaultFromJson(Json("garbage"));
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(HasFault(*wrapped));
  EXPECT_TRUE(HasFault(Json{{"fault", Json::object()}}));
  EXPECT_FALSE(HasFault(Json{{"Customer", Json::object()}}));
}

TEST(QboFault, SystemFaultTypeWithoutCodeIsNetwork) {
  Status s = DecodeFault(200, R"({"Fault":{"Error":[{"Message":"oops"}],"type":"SystemFault"}})");
  EXPECT_TRUE(s.IsNetwork()) << s.ToString();
}

TEST(QboFault, WithoutSecretsScrubs) {
  Status s = Status::RateLimit("bad token abc123 and abc123", 5000, "3001");
  Status r = WithoutSecrets(s, {"abc123", ""});
  EXPECT_EQ(r.message(), "bad token [redacted] and [redacted]");
  EXPECT_EQ(r.retry_after_ms(), 5000);
  EXPECT_EQ(r.code(), "3001");
  // A secret that occurs inside the replacement text cannot loop forever.
  EXPECT_EQ(WithoutSecrets(Status::Validation("x red y"), {"red"}).message(), "x [redacted] y");
}

}  // namespace
}  // namespace es::qbo
