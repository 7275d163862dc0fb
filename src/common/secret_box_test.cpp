#include "common/secret_box.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/crypto.h"

namespace es {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKeyA[] = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
constexpr char kKeyB[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
constexpr char kDecryptMsg[] = "secret could not be decrypted (wrong key or corrupted data)";

SecretBox Box(const char* hex) {
  auto b = SecretBox::FromHexKey(hex);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return *b;
}

void ExpectDecryptFailure(const Result<std::string>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsAuthentication()) << r.status().ToString();
  EXPECT_EQ(r.status().message(), kDecryptMsg);
}

TEST(SecretBox, SealOpenRoundTrip) {
  SecretBox box = Box(kKeyA);
  std::string sealed = box.Seal("cs_1234567890abcdef", "tenant-1/conn-7");
  EXPECT_EQ(sealed.rfind("esb1:", 0), 0u);
  EXPECT_THAT(sealed, Not(HasSubstr("cs_1234567890abcdef")));
  EXPECT_TRUE(SecretBox::LooksSealed(sealed));
  auto back = box.Open(sealed, "tenant-1/conn-7");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, "cs_1234567890abcdef");
}

TEST(SecretBox, EachSealUsesAFreshNonce) {
  SecretBox box = Box(kKeyA);
  EXPECT_NE(box.Seal("same"), box.Seal("same"));
}

TEST(SecretBox, EmptyPlaintextAndBinaryData) {
  SecretBox box = Box(kKeyA);
  std::string sealed = box.Seal("");
  EXPECT_TRUE(SecretBox::LooksSealed(sealed));
  auto back = box.Open(sealed);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "");
  std::string binary("\0\x01\xff\n\"'", 6);
  auto b2 = box.Open(box.Seal(binary));
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ(*b2, binary);
}

TEST(SecretBox, OneMegabytePlaintext) {
  SecretBox box = Box(kKeyA);
  std::string big = crypto::RandomBytes(1 << 20);
  std::string sealed = box.Seal(big, "ad");
  auto back = box.Open(sealed, "ad");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, big);
}

TEST(SecretBox, TamperingIsDetected) {
  SecretBox box = Box(kKeyA);
  std::string sealed = box.Seal("refresh-token-value");
  // Flip a character in each region: nonce, ciphertext, tag.
  for (size_t pos : {size_t{6}, sealed.size() / 2, sealed.size() - 6}) {
    std::string t = sealed;
    t[pos] = t[pos] == 'A' ? 'B' : 'A';
    ExpectDecryptFailure(box.Open(t));
  }
  ExpectDecryptFailure(box.Open(sealed.substr(0, sealed.size() - 4)));  // truncated
  ExpectDecryptFailure(box.Open("esb1:"));
  ExpectDecryptFailure(box.Open("esb1:AAAA"));
  ExpectDecryptFailure(box.Open("esb1:not*base64!"));
}

TEST(SecretBox, OnlyTheCanonicalSpellingOpens) {
  SecretBox box = Box(kKeyA);
  std::string sealed = box.Seal("");  // 28 bytes: the base64 ends in "=="
  ASSERT_TRUE(box.Open(sealed).ok());
  // 'A' is six zero bits; a lenient decoder reads '=' the same way.
  size_t a = sealed.find('A', 5);
  if (a != std::string::npos && a + 3 < sealed.size()) {
    std::string respelled = sealed;
    respelled[a] = '=';
    ExpectDecryptFailure(box.Open(respelled));
  }
  // Non-zero padding bits in the last group decode to the same bytes.
  std::string last = sealed;
  char& c = last[last.size() - 3];
  c = c == 'A' ? 'B' : (c == 'Q' ? 'R' : c == 'g' ? 'h' : c == 'w' ? 'x' : c);
  if (last != sealed) ExpectDecryptFailure(box.Open(last));
  ExpectDecryptFailure(box.Open(sealed + "\n"));
}

TEST(SecretBox, WrongAssociatedDataIsRejected) {
  SecretBox box = Box(kKeyA);
  std::string sealed = box.Seal("secret", "tenant-1/conn-7");
  ExpectDecryptFailure(box.Open(sealed, "tenant-2/conn-7"));
  ExpectDecryptFailure(box.Open(sealed));
  ExpectDecryptFailure(box.Open(box.Seal("secret"), "tenant-1/conn-7"));
}

TEST(SecretBox, WrongKeyIsRejected) {
  std::string sealed = Box(kKeyA).Seal("secret");
  ExpectDecryptFailure(Box(kKeyB).Open(sealed));
}

TEST(SecretBox, UnsealedValueGetsAClearError) {
  SecretBox box = Box(kKeyA);
  auto r = box.Open("plain-text-secret");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsValidation());
  EXPECT_THAT(r.status().message(), HasSubstr("esb1:"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("plain-text-secret")));
}

TEST(SecretBox, LooksSealed) {
  SecretBox box = Box(kKeyA);
  EXPECT_TRUE(SecretBox::LooksSealed(box.Seal("x")));
  EXPECT_FALSE(SecretBox::LooksSealed(""));
  EXPECT_FALSE(SecretBox::LooksSealed("esb1:"));
  EXPECT_FALSE(SecretBox::LooksSealed("esb1:AAAA"));
  EXPECT_FALSE(SecretBox::LooksSealed("esb2:" + box.Seal("x").substr(5)));
  EXPECT_FALSE(SecretBox::LooksSealed("esb1:" + std::string(40, '*')));
  EXPECT_FALSE(SecretBox::LooksSealed("ck_live_abcdef"));
}

TEST(SecretBox, MalformedKeysNeverEchoTheKey) {
  const std::string too_short = "abcdef0123";
  auto r = SecretBox::FromHexKey(too_short);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsValidation());
  EXPECT_THAT(r.status().message(), HasSubstr("64 hex characters"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr(too_short)));

  std::string non_hex(kKeyA);
  non_hex[10] = 'g';
  r = SecretBox::FromHexKey(non_hex);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("only hex characters"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr(non_hex.substr(0, 8))));
  EXPECT_FALSE(SecretBox::FromHexKey(std::string(kKeyA) + "00").ok());
}

class SecretBoxEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv(kVar);
    unsetenv(kFileVar);
  }
  void TearDown() override {
    unsetenv(kVar);
    unsetenv(kFileVar);
    if (!path_.empty()) std::remove(path_.c_str());
  }
  std::string WriteKeyFile(const std::string& content) {
    path_ = ::testing::TempDir() + "secret_box_test_key_" + crypto::RandomHex(4);
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    return path_;
  }
  static constexpr const char* kVar = "ES_TEST_MASTER_KEY";
  static constexpr const char* kFileVar = "ES_TEST_MASTER_KEY_FILE";
  std::string path_;
};

TEST_F(SecretBoxEnv, MissingKeyNamesTheVariable) {
  auto r = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsValidation());
  EXPECT_THAT(r.status().message(), HasSubstr("ES_TEST_MASTER_KEY is not set; expected 64 hex characters"));
  EXPECT_THAT(r.status().message(), HasSubstr("ES_TEST_MASTER_KEY_FILE"));
}

TEST_F(SecretBoxEnv, KeyFromEnvironment) {
  setenv(kVar, kKeyA, 1);
  auto box = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  auto back = Box(kKeyA).Open(box->Seal("x"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "x");
}

TEST_F(SecretBoxEnv, MalformedEnvironmentKeyNamesTheVariableNotTheKey) {
  setenv(kVar, "deadbeef", 1);
  auto r = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("ES_TEST_MASTER_KEY"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("deadbeef")));
}

TEST_F(SecretBoxEnv, KeyFromFileWithTrailingNewline) {
  setenv(kFileVar, WriteKeyFile(std::string(kKeyB) + "\n").c_str(), 1);
  auto box = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  auto back = Box(kKeyB).Open(box->Seal("from file"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "from file");
}

TEST_F(SecretBoxEnv, EnvironmentWinsOverFile) {
  setenv(kVar, kKeyA, 1);
  setenv(kFileVar, WriteKeyFile(kKeyB).c_str(), 1);
  auto box = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_TRUE(box.ok());
  EXPECT_TRUE(Box(kKeyA).Open(box->Seal("x")).ok());
}

TEST_F(SecretBoxEnv, BadKeyFileErrors) {
  setenv(kFileVar, "/nonexistent/easysale/key", 1);
  auto r = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("ES_TEST_MASTER_KEY_FILE (/nonexistent/easysale/key)"));
  EXPECT_THAT(r.status().message(), HasSubstr("cannot read"));

  setenv(kFileVar, WriteKeyFile("not-a-key-at-all").c_str(), 1);
  r = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("64 hex characters"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("not-a-key-at-all")));

  std::remove(path_.c_str());
  setenv(kFileVar, WriteKeyFile(std::string(10000, 'a')).c_str(), 1);
  r = SecretBox::FromEnvironmentOrFile(kVar, kFileVar);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("too large"));
}

}  // namespace
}  // namespace es
