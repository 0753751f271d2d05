#include "auth/key_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <string>
#include <vector>

#include "testutil/auth_printers.h"
#include "testutil/jwt_signer.h"
#include "testutil/key_files.h"

namespace ssegw::auth {
namespace {

using ::testing::HasSubstr;
using testing::JwtSigner;
using testing::KeyFiles;

const std::vector<Algorithm> kAll = {Algorithm::kES256, Algorithm::kRS256, Algorithm::kHS256};
const std::vector<Algorithm> kEs256Only = {Algorithm::kES256};
const std::string kSecret = "0123456789abcdef0123456789abcdef";  // 32 bytes

const JwtSigner& Ec() {
  static const JwtSigner signer = JwtSigner::Es256();
  return signer;
}
const JwtSigner& Rsa() {
  static const JwtSigner signer = JwtSigner::Rs256();
  return signer;
}

TEST(ParseKeyTest, EcP256PublicKeyServesEs256) {
  Loaded<VerificationKey> key = ParseKey("/keys/2024-06.pem", Ec().KeyFileContents(), kAll);
  ASSERT_TRUE(key.ok()) << key.error;
  EXPECT_EQ(key.value->algorithm(), Algorithm::kES256);
  EXPECT_EQ(key.value->id(), "2024-06");
  EXPECT_NE(key.value->public_key(), nullptr);
  EXPECT_TRUE(key.value->secret().empty());
}

TEST(ParseKeyTest, RsaPublicKeyServesRs256) {
  Loaded<VerificationKey> key = ParseKey("rsa.pub", Rsa().KeyFileContents(), kAll);
  ASSERT_TRUE(key.ok()) << key.error;
  EXPECT_EQ(key.value->algorithm(), Algorithm::kRS256);
  EXPECT_EQ(key.value->id(), "rsa");
}

TEST(ParseKeyTest, PublicKeysAreNeverSecretsEvenWithHs256Allowed) {
  // The algorithm-confusion defence: a PEM file is a public key or an error, never HMAC.
  for (const JwtSigner* signer : {&Ec(), &Rsa()}) {
    Loaded<VerificationKey> key = ParseKey("k.pem", signer->KeyFileContents(), kAll);
    ASSERT_TRUE(key.ok()) << key.error;
    EXPECT_NE(key.value->algorithm(), Algorithm::kHS256);
    EXPECT_TRUE(key.value->secret().empty());
  }
}

TEST(ParseKeyTest, SecretLosesOneFinalNewline) {
  for (const std::string& ending : {std::string("\n"), std::string("\r\n"), std::string()}) {
    Loaded<VerificationKey> key = ParseKey("secret", kSecret + ending, kAll);
    ASSERT_TRUE(key.ok()) << key.error;
    EXPECT_EQ(key.value->algorithm(), Algorithm::kHS256);
    EXPECT_EQ(key.value->secret(), kSecret);
    EXPECT_EQ(key.value->public_key(), nullptr);
  }
  // Only one: a secret may itself end in whitespace.
  Loaded<VerificationKey> key = ParseKey("secret", kSecret + " \n\n", kAll);
  ASSERT_TRUE(key.ok()) << key.error;
  EXPECT_EQ(key.value->secret(), kSecret + " \n");
  key = ParseKey("secret", kSecret + "\r", kAll);
  ASSERT_TRUE(key.ok()) << key.error;
  EXPECT_EQ(key.value->secret(), kSecret + "\r");
}

TEST(ParseKeyTest, RefusesShortSecrets) {
  Loaded<VerificationKey> key = ParseKey("/etc/ssegw/hs.key", kSecret.substr(1) + "\n", kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("/etc/ssegw/hs.key"));
  EXPECT_THAT(key.error, HasSubstr("31 bytes"));
  EXPECT_THAT(key.error, HasSubstr("at least 32"));
}

TEST(ParseKeyTest, SecretNeedsHs256Allowed) {
  Loaded<VerificationKey> key = ParseKey("hs.key", kSecret, kEs256Only);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("hs.key"));
  EXPECT_THAT(key.error, HasSubstr("HS256"));
}

TEST(ParseKeyTest, KeyOfAnAlgorithmNotAllowedIsAnError) {
  Loaded<VerificationKey> key = ParseKey("rsa.pem", Rsa().KeyFileContents(), kEs256Only);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("rsa.pem"));
  EXPECT_THAT(key.error, HasSubstr("RS256"));
}

TEST(ParseKeyTest, RefusesPrivateKeysAndCertificatesWithAHint) {
  Loaded<VerificationKey> key = ParseKey("ec.key", Ec().PrivatePem(), kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("ec.key: holds a private key"));
  EXPECT_THAT(key.error, HasSubstr("-pubout"));

  key = ParseKey("c.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("c.pem: holds a certificate"));
}

TEST(ParseKeyTest, RefusesWeakOrUnsupportedKeys) {
  const JwtSigner small_rsa = JwtSigner::Rs256(1024);
  Loaded<VerificationKey> key = ParseKey("small.pem", small_rsa.KeyFileContents(), kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("1024 bits"));

  // A P-384 key: EC, but not the curve ES256 names.
  OpenSslPtr<EVP_PKEY> p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), p384.get()), 1);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  key = ParseKey("p384.pem", std::string(data, static_cast<size_t>(len)), kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("P-256"));

  OpenSslPtr<EVP_PKEY> ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  OpenSslPtr<BIO> bio2(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio2.get(), ed.get()), 1);
  const long len2 = BIO_get_mem_data(bio2.get(), &data);
  key = ParseKey("ed.pem", std::string(data, static_cast<size_t>(len2)), kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("ED25519"));
}

TEST(ParseKeyTest, RefusesBrokenPemAndEmptyFiles) {
  Loaded<VerificationKey> key =
      ParseKey("bad.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("bad.pem"));

  key = ParseKey("two.pem", Ec().KeyFileContents() + Rsa().KeyFileContents(), kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error, HasSubstr("more than one"));

  key = ParseKey("empty", "", kAll);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error, "empty: is empty");
}

TEST(KeySetTest, LoadsEveryFileInOrder) {
  KeyFiles files;
  const std::vector<std::string> paths = {files.Write("a.pem", Ec().KeyFileContents()),
                                          files.Write("b.pem", Rsa().KeyFileContents()),
                                          files.Write("c.secret", kSecret + "\n")};
  Loaded<KeySet> keys = KeySet::LoadFiles(paths, kAll);
  ASSERT_TRUE(keys.ok()) << keys.error;
  EXPECT_EQ(keys.value->size(), 3u);
}

TEST(KeySetTest, ErrorsNameTheFile) {
  KeyFiles files;
  const std::string good = files.Write("good.pem", Ec().KeyFileContents());
  const std::string missing = files.dir() + "/missing.pem";
  std::vector<std::string> paths = {good, missing};
  Loaded<KeySet> keys = KeySet::LoadFiles(paths, kAll);
  ASSERT_FALSE(keys.ok());
  EXPECT_THAT(keys.error, HasSubstr(missing + ": cannot open"));

  paths = {files.Write("huge", std::string(kMaxKeyFileBytes + 1, 'x'))};
  keys = KeySet::LoadFiles(paths, kAll);
  ASSERT_FALSE(keys.ok());
  EXPECT_THAT(keys.error, HasSubstr("huge: is larger than"));

  keys = KeySet::LoadFiles({}, kAll);
  ASSERT_FALSE(keys.ok());
  EXPECT_THAT(keys.error, HasSubstr("--auth-key"));
}

TEST(KeySetTest, CandidatesFitTheAlgorithmAndTheKid) {
  const JwtSigner other_ec = JwtSigner::Es256();
  KeySet keys;
  for (auto [name, contents] :
       {std::pair{"old.pem", Ec().KeyFileContents()},
        std::pair{"new.pem", other_ec.KeyFileContents()},
        std::pair{"rsa.pem", Rsa().KeyFileContents()}, std::pair{"hs.key", kSecret}}) {
    Loaded<VerificationKey> key = ParseKey(name, contents, kAll);
    ASSERT_TRUE(key.ok()) << key.error;
    keys.Add(std::move(*key.value));
  }
  auto ids = [&](Algorithm a, std::optional<std::string_view> kid) {
    std::vector<std::string> out;
    for (const VerificationKey* k : keys.Candidates(a, kid)) out.push_back(k->id());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(Algorithm::kES256, std::nullopt), (V{"old", "new"}));
  EXPECT_EQ(ids(Algorithm::kES256, "new"), (V{"new"}));
  EXPECT_EQ(ids(Algorithm::kES256, "unknown"), (V{"old", "new"}));
  EXPECT_EQ(ids(Algorithm::kES256, "rsa"), (V{"old", "new"}));  // kid never crosses types
  EXPECT_EQ(ids(Algorithm::kRS256, std::nullopt), (V{"rsa"}));
  EXPECT_EQ(ids(Algorithm::kHS256, std::nullopt), (V{"hs"}));
}

}  // namespace
}  // namespace ssegw::auth
