#include "auth/signature.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <string>
#include <vector>

#include "testutil/jwt_signer.h"

namespace ssegw::auth {
namespace {

using testing::JwtSigner;

const std::vector<Algorithm> kAll = {Algorithm::kES256, Algorithm::kRS256, Algorithm::kHS256};

VerificationKey KeyOf(const JwtSigner& signer) {
  Loaded<VerificationKey> key = ParseKey("k", signer.KeyFileContents(), kAll);
  EXPECT_TRUE(key.ok()) << key.error;
  return std::move(*key.value);
}

TEST(SignatureTest, Es256AcceptsRawSignaturesOfEveryShape) {
  // Many signatures, so that r or s with leading zero bytes (about 1 in 128 each) occur
  // and the DER conversion has to produce minimal integers.
  const JwtSigner signer = JwtSigner::Es256();
  const VerificationKey key = KeyOf(signer);
  for (int i = 0; i < 300; ++i) {
    const std::string input = "header.payload" + std::to_string(i);
    ASSERT_TRUE(VerifySignature(key, input, signer.Sign(input))) << i;
  }
}

TEST(SignatureTest, Es256RefusesDerAndWrongLengths) {
  const JwtSigner signer = JwtSigner::Es256();
  const VerificationKey key = KeyOf(signer);
  const std::string raw = signer.Sign("a.b");
  EXPECT_FALSE(VerifySignature(key, "a.b", signer.SignDer("a.b")));
  EXPECT_FALSE(VerifySignature(key, "a.b", raw.substr(0, 63)));
  EXPECT_FALSE(VerifySignature(key, "a.b", raw + '\0'));
  EXPECT_FALSE(VerifySignature(key, "a.b", std::string(64, '\0')));
  EXPECT_FALSE(VerifySignature(key, "a.b", ""));
  EXPECT_FALSE(VerifySignature(key, "a.c", raw));
}

TEST(SignatureTest, EcdsaRawToDerNeedsSixtyFourBytes) {
  EXPECT_FALSE(EcdsaRawToDer(std::string(63, '\1')).has_value());
  EXPECT_FALSE(EcdsaRawToDer(std::string(65, '\1')).has_value());
  const std::optional<std::string> der = EcdsaRawToDer(std::string(64, '\1'));
  ASSERT_TRUE(der.has_value());
  // SEQUENCE of two 32-byte INTEGERs (0x01... needs no sign byte): 2 + 2 * (2 + 32).
  EXPECT_EQ(der->size(), 70u);
  EXPECT_EQ(static_cast<unsigned char>((*der)[0]), 0x30);
  // A high bit set needs a 0x00 sign byte in DER.
  EXPECT_EQ(EcdsaRawToDer(std::string(64, '\xff'))->size(), 72u);
}

TEST(SignatureTest, Rs256AndHs256) {
  const JwtSigner rsa = JwtSigner::Rs256();
  const JwtSigner hmac = JwtSigner::Hs256("0123456789abcdef0123456789abcdef");
  const VerificationKey rsa_key = KeyOf(rsa);
  const VerificationKey hmac_key = KeyOf(hmac);
  EXPECT_TRUE(VerifySignature(rsa_key, "a.b", rsa.Sign("a.b")));
  EXPECT_FALSE(VerifySignature(rsa_key, "a.c", rsa.Sign("a.b")));
  EXPECT_TRUE(VerifySignature(hmac_key, "a.b", hmac.Sign("a.b")));
  EXPECT_FALSE(VerifySignature(hmac_key, "a.c", hmac.Sign("a.b")));
  std::string flipped = hmac.Sign("a.b");
  flipped[31] ^= 1;
  EXPECT_FALSE(VerifySignature(hmac_key, "a.b", flipped));
  EXPECT_FALSE(VerifySignature(hmac_key, "a.b", hmac.Sign("a.b").substr(0, 16)));
}

TEST(SignatureTest, LeavesTheOpenSslErrorQueueEmpty) {
  const JwtSigner signer = JwtSigner::Rs256();
  const VerificationKey key = KeyOf(signer);
  ERR_clear_error();
  EXPECT_FALSE(VerifySignature(key, "a.b", std::string(256, 'x')));
  EXPECT_FALSE(VerifySignature(key, "a.b", "short"));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace ssegw::auth
