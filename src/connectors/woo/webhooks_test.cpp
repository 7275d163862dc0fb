#include "connectors/woo/webhooks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <tuple>
#include <map>
#include <sstream>

#include "common/crypto.h"

namespace es::woo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "wc-webhook-secret-&-more";

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SignBody(std::string_view body, std::string_view secret = kSecret) {
  return crypto::Base64Encode(crypto::HmacSha256(secret, body));
}

WebhookHeaders OrderHeaders(const std::string& topic = "order.updated") {
  WebhookHeaders h;
  h.topic = topic;
  h.resource = topic.substr(0, topic.find('.'));
  h.event = topic.substr(topic.find('.') + 1);
  h.delivery_id = "7f3c2a1b9d8e";
  h.webhook_id = "142";
  h.source = "https://shop.test/";
  return h;
}

void ExpectValidationError(const Result<WebhookEvent>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << "expected failure: " << what;
  EXPECT_TRUE(r.status().IsValidation()) << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr(what));
}

TEST(WooWebhookSignature, AcceptsTheExactBodySignature) {
  std::string body = R"({"id":727,"status":"processing","total":"29.35"})";
  EXPECT_TRUE(VerifyWebhookSignature(body, SignBody(body), kSecret).ok());
  EXPECT_TRUE(VerifyWebhookSignature(body, " " + SignBody(body) + "\r\n", kSecret).ok());
}

TEST(WooWebhookSignature, RejectsMismatchesWithoutLeakingSecrets) {
  std::string body = R"({"id":727})";
  std::string sig = SignBody(body);
  for (const auto& [b, s, secret] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {body + " ", sig, kSecret},                 // body changed by one byte
           {body, sig, "another-secret"},               // wrong secret
           {body, sig.substr(0, sig.size() - 2), kSecret},  // truncated signature
           {body, crypto::Hex(crypto::HmacSha256(kSecret, body)), kSecret},  // hex instead of base64
       }) {
    Status st = VerifyWebhookSignature(b, s, secret);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.IsAuthentication());
    EXPECT_EQ(st.message(), "webhook signature mismatch");
  }
  Status missing = VerifyWebhookSignature(body, "  ", kSecret);
  EXPECT_TRUE(missing.IsAuthentication());
  EXPECT_THAT(missing.message(), HasSubstr("missing X-WC-Webhook-Signature"));
  Status no_secret = VerifyWebhookSignature(body, sig, "");
  EXPECT_THAT(no_secret.message(), HasSubstr("not configured"));
}

TEST(WooWebhookPing, RecognisesTheCreationPing) {
  EXPECT_TRUE(IsPing(WebhookHeaders{}, "webhook_id=142"));
  EXPECT_FALSE(IsPing(WebhookHeaders{}, "webhook_id="));
  EXPECT_FALSE(IsPing(WebhookHeaders{}, "webhook_id=14a"));
  EXPECT_FALSE(IsPing(WebhookHeaders{}, R"({"id":1})"));
  EXPECT_FALSE(IsPing(WebhookHeaders{}, ""));
  WebhookHeaders h;
  h.signature = "abc";
  EXPECT_FALSE(IsPing(h, "webhook_id=142"));
  EXPECT_FALSE(IsPing(OrderHeaders(), "webhook_id=142"));
}

TEST(WooWebhookHeaders, FromLookupReadsEveryHeader) {
  std::map<std::string, std::string> raw = {
      {"x-wc-webhook-topic", "order.created"},   {"x-wc-webhook-resource", "order"},
      {"x-wc-webhook-event", "created"},         {"x-wc-webhook-delivery-id", "d1"},
      {"x-wc-webhook-id", "9"},                  {"x-wc-webhook-source", "https://shop.test/"},
      {"x-wc-webhook-signature", "c2ln"}};
  WebhookHeaders h = WebhookHeaders::FromLookup([&](std::string_view name) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = raw.find(lower);
    return it == raw.end() ? std::string() : it->second;
  });
  EXPECT_EQ(h.topic, "order.created");
  EXPECT_EQ(h.resource, "order");
  EXPECT_EQ(h.event, "created");
  EXPECT_EQ(h.delivery_id, "d1");
  EXPECT_EQ(h.webhook_id, "9");
  EXPECT_EQ(h.source, "https://shop.test/");
  EXPECT_EQ(h.signature, "c2ln");
  EXPECT_TRUE(h.AnyPresent());
  EXPECT_FALSE(WebhookHeaders{}.AnyPresent());
}

TEST(WooWebhookParse, ParsesARealOrderPayload) {
  std::string body = ReadTestdata("order_full.json");
  ASSERT_FALSE(body.empty());
  WebhookHeaders h = OrderHeaders();
  h.signature = SignBody(body);
  auto ev = VerifyAndParseWebhook(h, body, kSecret);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->topic, "order.updated");
  EXPECT_EQ(ev->resource, "order");
  EXPECT_EQ(ev->event, "updated");
  EXPECT_EQ(ev->delivery_id, "7f3c2a1b9d8e");
  EXPECT_EQ(ev->webhook_id, "142");
  EXPECT_EQ(ev->source, "https://shop.test/");
  EXPECT_FALSE(ev->resource_id.empty());
  EXPECT_EQ(ev->resource_id, std::to_string(ev->payload["id"].get<int64_t>()));
}

TEST(WooWebhookParse, VerifyAndParseRejectsBadSignatureBeforeParsing) {
  WebhookHeaders h = OrderHeaders();
  h.signature = SignBody("something else");
  auto ev = VerifyAndParseWebhook(h, "{not json", kSecret);
  ASSERT_FALSE(ev.ok());
  EXPECT_TRUE(ev.status().IsAuthentication());
}

TEST(WooWebhookParse, EveryCoreTopicIsAccepted) {
  for (const char* resource : {"order", "product", "customer", "coupon"}) {
    for (const char* event : {"created", "updated", "deleted", "restored"}) {
      std::string topic = std::string(resource) + "." + event;
      auto ev = ParseWebhook(OrderHeaders(topic), R"({"id":55})");
      ASSERT_TRUE(ev.ok()) << topic << ": " << ev.status().ToString();
      EXPECT_EQ(ev->resource, resource);
      EXPECT_EQ(ev->event, event);
      EXPECT_EQ(ev->resource_id, "55");
    }
  }
  EXPECT_TRUE(ParseWebhook(OrderHeaders("product.published"), R"({"id":5})").ok());
}

TEST(WooWebhookParse, ActionTopics) {
  WebhookHeaders h = OrderHeaders("action.woocommerce_payment_complete");
  auto ev = ParseWebhook(h, R"({"action":"woocommerce_payment_complete","arg":727})");
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->resource, "action");
  EXPECT_EQ(ev->event, "woocommerce_payment_complete");
  EXPECT_EQ(ev->resource_id, "727");
  ev = ParseWebhook(h, R"({"action":"woocommerce_payment_complete","arg":{"x":1}})");
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->resource_id, "");
  ExpectValidationError(ParseWebhook(h, R"({"action":"other_hook","arg":1})"), "does not match topic");
}

TEST(WooWebhookParse, BadTopicsAreRejected) {
  WebhookHeaders h = OrderHeaders();
  h.topic = "";
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "missing X-WC-Webhook-Topic");
  h.resource = h.event = "";
  for (const char* t : {"order", "order.", ".created", "orders.created"}) {
    h.topic = t;
    auto r = ParseWebhook(h, R"({"id":1})");
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_TRUE(r.status().IsValidation());
  }
  h.topic = "order.published";
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "unsupported webhook topic 'order.published'");
  h.topic = "order.created<script>";
  auto r = ParseWebhook(h, R"({"id":1})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), Not(HasSubstr("<script>")));
  h.topic = "action.has space";
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "malformed action hook name");
}

TEST(WooWebhookParse, HeadersMustAgreeWithTopic) {
  WebhookHeaders h = OrderHeaders();
  h.resource = "product";
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "X-WC-Webhook-Resource 'product' does not match");
  h = OrderHeaders();
  h.event = "created";
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "X-WC-Webhook-Event 'created' does not match");
}

TEST(WooWebhookParse, DeliveryAndWebhookIds) {
  WebhookHeaders h = OrderHeaders();
  h.delivery_id = "";
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "missing X-WC-Webhook-Delivery-ID");
  h.delivery_id = std::string(500, 'a');
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "malformed X-WC-Webhook-Delivery-ID");
  h = OrderHeaders();
  h.webhook_id = "12x";
  ExpectValidationError(ParseWebhook(h, R"({"id":1})"), "malformed X-WC-Webhook-ID");
}

TEST(WooWebhookParse, MalformedBodies) {
  WebhookHeaders h = OrderHeaders();
  ExpectValidationError(ParseWebhook(h, ""), "empty webhook body");
  ExpectValidationError(ParseWebhook(h, "webhook_id=142"), "webhook body: invalid JSON at line 1, column");
  auto r = ParseWebhook(h, R"({"id": secret-customer-name})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), Not(HasSubstr("secret-customer-name")));
  ExpectValidationError(ParseWebhook(h, "[1,2]"), "not a JSON object");
  ExpectValidationError(ParseWebhook(h, R"({"status":"processing"})"), "has no 'id'");
  ExpectValidationError(ParseWebhook(h, R"({"id":null})"), "has no 'id'");
  ExpectValidationError(ParseWebhook(h, R"({"id":0})"), "positive integer");
  ExpectValidationError(ParseWebhook(h, R"({"id":-4})"), "positive integer");
  ExpectValidationError(ParseWebhook(h, R"({"id":"abc"})"), "positive integer");
  ExpectValidationError(ParseWebhook(h, R"({"id":1.5})"), "positive integer");
  ExpectValidationError(ParseWebhook(h, R"({"id":[1]})"), "positive integer");
  ExpectValidationError(ParseWebhook(h, ReadTestdata("order_truncated.json")), "invalid JSON");
}

TEST(WooWebhookParse, SizeAndDepthLimits) {
  WebhookHeaders h = OrderHeaders();
  WebhookLimits small;
  small.max_body_bytes = 64;
  ExpectValidationError(ParseWebhook(h, R"({"id":1,"note":")" + std::string(100, 'x') + "\"}", small),
                        "exceeds the limit");
  std::string deep = R"({"id":1,"meta":)" + std::string(200, '[') + std::string(200, ']') + "}";
  ExpectValidationError(ParseWebhook(h, deep), "nested deeper");
}

}  // namespace
}  // namespace es::woo
