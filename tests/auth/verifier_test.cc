#include "auth/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "auth/compact_jws.h"
#include "testutil/auth_printers.h"
#include "testutil/jwt_signer.h"
#include "testutil/key_files.h"

namespace ssegw::auth {
namespace {

using testing::AssembleJws;
using testing::Base64UrlEncode;
using ::testing::HasSubstr;
using testing::JwtSigner;
using testing::KeyFiles;

constexpr int64_t kNow = 1'750'000'000;
const std::string kSecret = "a shared secret of more than 32 bytes";

const JwtSigner& Ec() {
  static const JwtSigner signer = JwtSigner::Es256();
  return signer;
}
const JwtSigner& OtherEc() {
  static const JwtSigner signer = JwtSigner::Es256();
  return signer;
}
const JwtSigner& Rsa() {
  static const JwtSigner signer = JwtSigner::Rs256();
  return signer;
}
const JwtSigner& Hmac() {
  static const JwtSigner signer = JwtSigner::Hs256(kSecret);
  return signer;
}

std::string Payload(int64_t exp = kNow + 600, const std::string& more = "") {
  return R"({"sub":"alice","exp":)" + std::to_string(exp) +
         R"(,"ssegw":{"subscribe":["news/*","user/alice/**"],"publish":["user/alice/out"]})" +
         more + "}";
}

std::string Header(std::string_view alg, std::string_view more = "") {
  return R"({"alg":")" + std::string(alg) + R"(","typ":"JWT")" + std::string(more) + "}";
}

// A verifier over keys parsed in memory, `allowed` as --auth-alg.
Verifier MakeVerifier(std::vector<const JwtSigner*> signers, std::vector<Algorithm> allowed,
                      VerifierOptions options = {}) {
  KeySet keys;
  int n = 0;
  for (const JwtSigner* signer : signers) {
    Loaded<VerificationKey> key =
        ParseKey("key" + std::to_string(n++) + ".pem", signer->KeyFileContents(), allowed);
    EXPECT_TRUE(key.ok()) << key.error;
    if (key.ok()) keys.Add(std::move(*key.value));
  }
  options.algorithms = std::move(allowed);
  return Verifier(std::move(keys), std::move(options));
}

const std::vector<Algorithm> kAll = {Algorithm::kES256, Algorithm::kRS256, Algorithm::kHS256};

InvalidReason ReasonOf(const AuthResult& result) {
  EXPECT_EQ(result.kind(), AuthResult::Kind::kInvalid);
  return result.kind() == AuthResult::Kind::kInvalid ? result.reason() : InvalidReason::kBadPayload;
}

// Replaces one character of part `part` (0 header, 1 payload, 2 signature) by another
// base64url character, keeping the token well-formed.
std::string Tamper(const std::string& token, int part) {
  size_t begin = 0;
  for (int i = 0; i < part; ++i) begin = token.find('.', begin) + 1;
  std::string out = token;
  char& c = out[begin + 2];
  c = c == 'A' ? 'B' : 'A';
  return out;
}

TEST(VerifierTest, NoTokenIsItsOwnCase) {
  const Verifier verifier = MakeVerifier({&Ec()}, {Algorithm::kES256});
  EXPECT_EQ(verifier.Verify(std::nullopt, kNow).kind(), AuthResult::Kind::kNoToken);
  EXPECT_EQ(ReasonOf(verifier.Verify("", kNow)), InvalidReason::kNotCompactJws);
}

TEST(VerifierTest, EveryAlgorithmVerifiesAndYieldsTheClaims) {
  for (const JwtSigner* signer : {&Ec(), &Rsa(), &Hmac()}) {
    const Verifier verifier = MakeVerifier({signer}, {signer->algorithm()});
    const AuthResult result = verifier.Verify(signer->Mint(Payload()), kNow);
    ASSERT_TRUE(result.valid()) << AlgorithmName(signer->algorithm()) << ": "
                                << Describe(result.reason());
    const Claims& claims = result.claims();
    EXPECT_EQ(claims.expires_at, kNow + 600);
    EXPECT_TRUE(claims.CanSubscribe("news/today"));
    EXPECT_TRUE(claims.CanSubscribe("user/alice/inbox"));
    EXPECT_FALSE(claims.CanSubscribe("user/bob/inbox"));
    EXPECT_TRUE(claims.CanPublish("user/alice/out"));
    EXPECT_FALSE(claims.CanPublish("news/today"));
    const std::vector<std::string> topics = {"news/a", "user/alice/x"};
    EXPECT_TRUE(claims.subscribe.GrantsAll(topics));
    EXPECT_FALSE(claims.publish.GrantsAll(topics));
  }
}

TEST(VerifierTest, AllAlgorithmsTogether) {
  const Verifier verifier = MakeVerifier({&Ec(), &Rsa(), &Hmac()}, kAll);
  for (const JwtSigner* signer : {&Ec(), &Rsa(), &Hmac()}) {
    EXPECT_TRUE(verifier.Verify(signer->Mint(Payload()), kNow).valid())
        << AlgorithmName(signer->algorithm());
  }
}

TEST(VerifierTest, WrongKeyIsABadSignature) {
  const Verifier verifier = MakeVerifier({&Ec()}, {Algorithm::kES256});
  EXPECT_EQ(ReasonOf(verifier.Verify(OtherEc().Mint(Payload()), kNow)),
            InvalidReason::kBadSignature);
  const JwtSigner other_hmac = JwtSigner::Hs256(kSecret + "!");
  const Verifier hmac_verifier = MakeVerifier({&Hmac()}, {Algorithm::kHS256});
  EXPECT_EQ(ReasonOf(hmac_verifier.Verify(other_hmac.Mint(Payload()), kNow)),
            InvalidReason::kBadSignature);
}

// Two ES256 key files, "old" and "new", as during a rotation.
class RotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<std::string> paths = {files_.Write("old.pem", Ec().KeyFileContents()),
                                            files_.Write("new.pem", OtherEc().KeyFileContents())};
    Loaded<std::shared_ptr<const Verifier>> loaded = LoadVerifier(paths, VerifierOptions{});
    ASSERT_TRUE(loaded.ok()) << loaded.error;
    verifier_ = *loaded.value;
  }

  KeyFiles files_;
  std::shared_ptr<const Verifier> verifier_;
};

TEST_F(RotationTest, EveryFittingKeyIsTried) {
  EXPECT_TRUE(verifier_->Verify(Ec().Mint(Payload()), kNow).valid());
  EXPECT_TRUE(verifier_->Verify(OtherEc().Mint(Payload()), kNow).valid());
  EXPECT_EQ(ReasonOf(verifier_->Verify(JwtSigner::Es256().Mint(Payload()), kNow)),
            InvalidReason::kBadSignature);
}

TEST_F(RotationTest, KidSelectsTheKeyWhenItNamesOne) {
  auto with_kid = [](const char* kid) {
    return OtherEc().Mint(Header("ES256", std::string(R"(,"kid":")") + kid + "\""), Payload());
  };
  EXPECT_TRUE(verifier_->Verify(with_kid("new"), kNow).valid());
  // "old" names the other key: only that one is tried.
  EXPECT_EQ(ReasonOf(verifier_->Verify(with_kid("old"), kNow)), InvalidReason::kBadSignature);
  // An unknown kid selects nothing, so every key is tried.
  EXPECT_TRUE(verifier_->Verify(with_kid("2031"), kNow).valid());
}

TEST(VerifierTest, TamperingWithAnyPartIsRefused) {
  for (const JwtSigner* signer : {&Ec(), &Rsa(), &Hmac()}) {
    const Verifier verifier = MakeVerifier({signer}, kAll);
    const std::string token = signer->Mint(Payload());
    ASSERT_TRUE(verifier.Verify(token, kNow).valid());
    // A changed header byte may also break its JSON; either way it is refused.
    EXPECT_FALSE(verifier.Verify(Tamper(token, 0), kNow).valid());
    EXPECT_EQ(ReasonOf(verifier.Verify(Tamper(token, 1), kNow)), InvalidReason::kBadSignature);
    EXPECT_EQ(ReasonOf(verifier.Verify(Tamper(token, 2), kNow)), InvalidReason::kBadSignature);

    // A well-formed header swap, and a payload granting more, under the old signature.
    const std::string signature = token.substr(token.rfind('.') + 1);
    const std::string other_header =
        Base64UrlEncode(Header(AlgorithmName(signer->algorithm()), R"(,"kid":"x")"));
    EXPECT_EQ(ReasonOf(verifier.Verify(
                  other_header + token.substr(token.find('.'), std::string::npos), kNow)),
              InvalidReason::kBadSignature);
    const std::string greedy = Base64UrlEncode(R"({"exp":)" + std::to_string(kNow + 600) +
                                               R"(,"ssegw":{"subscribe":["**"]}})");
    EXPECT_EQ(ReasonOf(verifier.Verify(
                  token.substr(0, token.find('.') + 1) + greedy + "." + signature, kNow)),
              InvalidReason::kBadSignature);
  }
}

TEST(VerifierTest, AlgNoneIsNeverAccepted) {
  const Verifier verifier = MakeVerifier({&Ec(), &Rsa(), &Hmac()}, kAll);
  for (const char* alg : {"none", "None", "NONE", "nOnE", ""}) {
    const std::string unsigned_token = AssembleJws(Header(alg), Payload(), "");
    EXPECT_EQ(ReasonOf(verifier.Verify(unsigned_token, kNow)), InvalidReason::kAlgorithmNotAllowed)
        << alg;
    // With a signature attached it is still not an algorithm we know.
    EXPECT_EQ(ReasonOf(verifier.Verify(AssembleJws(Header(alg), Payload(), "xx"), kNow)),
              InvalidReason::kAlgorithmNotAllowed);
  }
}

TEST(VerifierTest, AlgorithmMustBeAllowed) {
  // Default allowlist: ES256 only. An RS256 token is refused even though the verifier
  // would have had a key for it in another configuration.
  const Verifier es_only = MakeVerifier({&Ec()}, {Algorithm::kES256});
  EXPECT_EQ(ReasonOf(es_only.Verify(Rsa().Mint(Payload()), kNow)),
            InvalidReason::kAlgorithmNotAllowed);
  EXPECT_EQ(ReasonOf(es_only.Verify(Hmac().Mint(Payload()), kNow)),
            InvalidReason::kAlgorithmNotAllowed);
  for (const char* alg : {"ES384", "RS512", "PS256", "EdDSA", "es256", "HS512"}) {
    EXPECT_EQ(ReasonOf(es_only.Verify(AssembleJws(Header(alg), Payload(), "sig"), kNow)),
              InvalidReason::kAlgorithmNotAllowed)
        << alg;
  }
  EXPECT_TRUE(VerifierOptions{}.algorithms == std::vector<Algorithm>{Algorithm::kES256});
}

TEST(VerifierTest, AllowedAlgorithmWithoutAKeyOfItsType) {
  const Verifier verifier = MakeVerifier({&Ec()}, kAll);
  EXPECT_EQ(ReasonOf(verifier.Verify(Rsa().Mint(Payload()), kNow)),
            InvalidReason::kNoKeyForAlgorithm);
  EXPECT_EQ(ReasonOf(verifier.Verify(Hmac().Mint(Payload()), kNow)),
            InvalidReason::kNoKeyForAlgorithm);
}

TEST(VerifierTest, PublicKeyBytesAsAnHmacSecretAreRefused) {
  // Algorithm confusion: the attacker knows the public key and signs HS256 with its PEM
  // bytes, hoping the verifier uses "the key" as given by the token's alg.
  for (const JwtSigner* asymmetric : {&Ec(), &Rsa()}) {
    const Verifier verifier = MakeVerifier({asymmetric}, kAll);
    for (const std::string& secret :
         {asymmetric->KeyFileContents(),
          asymmetric->KeyFileContents().substr(0, asymmetric->KeyFileContents().size() - 1)}) {
      const JwtSigner forger = JwtSigner::Hs256(secret);
      const AuthResult result = verifier.Verify(forger.Mint(Payload()), kNow);
      EXPECT_EQ(ReasonOf(result), InvalidReason::kNoKeyForAlgorithm);
    }
  }
  // Also when an HS256 key exists: the forgery is checked against that secret only.
  const Verifier mixed = MakeVerifier({&Ec(), &Rsa(), &Hmac()}, kAll);
  const JwtSigner forger = JwtSigner::Hs256(Rsa().KeyFileContents());
  EXPECT_EQ(ReasonOf(mixed.Verify(forger.Mint(Payload()), kNow)), InvalidReason::kBadSignature);
}

TEST(VerifierTest, Es256SignatureMustBeRawSixtyFourBytes) {
  const Verifier verifier = MakeVerifier({&Ec()}, {Algorithm::kES256});
  const std::string header = Header("ES256");
  const std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(Payload());
  EXPECT_TRUE(verifier.Verify(input + "." + Base64UrlEncode(Ec().Sign(input)), kNow).valid());
  EXPECT_EQ(ReasonOf(verifier.Verify(input + "." + Base64UrlEncode(Ec().SignDer(input)), kNow)),
            InvalidReason::kBadSignatureLength);
  const std::string raw = Ec().Sign(input);
  EXPECT_EQ(ReasonOf(verifier.Verify(input + "." + Base64UrlEncode(raw.substr(1)), kNow)),
            InvalidReason::kBadSignatureLength);
  EXPECT_EQ(ReasonOf(verifier.Verify(input + "." + Base64UrlEncode(raw + "x"), kNow)),
            InvalidReason::kBadSignatureLength);
  EXPECT_EQ(ReasonOf(verifier.Verify(input + ".", kNow)), InvalidReason::kBadSignatureLength);
}

TEST(VerifierTest, TimeClaims) {
  const Verifier verifier = MakeVerifier({&Ec()}, {Algorithm::kES256});
  auto verify = [&](const std::string& payload) {
    return verifier.Verify(Ec().Mint(payload), kNow);
  };
  EXPECT_EQ(ReasonOf(verify(Payload(kNow))), InvalidReason::kExpired);
  EXPECT_EQ(ReasonOf(verify(Payload(kNow - 3600))), InvalidReason::kExpired);
  EXPECT_TRUE(verify(Payload(kNow + 1)).valid());
  const std::string nbf = R"(,"nbf":)";
  const std::string iat = R"(,"iat":)";
  EXPECT_TRUE(verify(Payload(kNow + 600, nbf + std::to_string(kNow + 60))).valid());
  EXPECT_EQ(ReasonOf(verify(Payload(kNow + 600, nbf + std::to_string(kNow + 61)))),
            InvalidReason::kNotYetValid);
  EXPECT_TRUE(verify(Payload(kNow + 600, iat + std::to_string(kNow + 60))).valid());
  EXPECT_EQ(ReasonOf(verify(Payload(kNow + 600, iat + std::to_string(kNow + 61)))),
            InvalidReason::kIssuedInFuture);
  EXPECT_EQ(ReasonOf(verify(R"({"ssegw":{"subscribe":["a"]}})")), InvalidReason::kMissingExpiry);
  EXPECT_EQ(ReasonOf(verify(R"({"exp":"2099-01-01"})")), InvalidReason::kBadTimeClaim);
  // The same token is valid a minute earlier and expired at its exp.
  const std::string token = Ec().Mint(Payload(kNow + 60));
  EXPECT_TRUE(verifier.Verify(token, kNow).valid());
  EXPECT_TRUE(verifier.Verify(token, kNow + 59).valid());
  EXPECT_EQ(ReasonOf(verifier.Verify(token, kNow + 60)), InvalidReason::kExpired);
}

TEST(VerifierTest, AudienceAndIssuer) {
  VerifierOptions options;
  options.audience = "sse";
  options.issuer = "https://auth.example";
  const Verifier verifier = MakeVerifier({&Ec()}, {Algorithm::kES256}, options);
  auto verify = [&](const std::string& more) {
    return verifier.Verify(Ec().Mint(Payload(kNow + 600, more)), kNow);
  };
  EXPECT_TRUE(verify(R"(,"aud":"sse","iss":"https://auth.example")").valid());
  EXPECT_TRUE(verify(R"(,"aud":["web","sse"],"iss":"https://auth.example")").valid());
  EXPECT_EQ(ReasonOf(verify(R"(,"aud":"web","iss":"https://auth.example")")),
            InvalidReason::kWrongAudience);
  EXPECT_EQ(ReasonOf(verify(R"(,"iss":"https://auth.example")")), InvalidReason::kWrongAudience);
  EXPECT_EQ(ReasonOf(verify(R"(,"aud":"sse","iss":"https://evil.example")")),
            InvalidReason::kWrongIssuer);
  EXPECT_EQ(ReasonOf(verify(R"(,"aud":"sse")")), InvalidReason::kWrongIssuer);
}

TEST(VerifierTest, MalformedTokens) {
  const Verifier verifier = MakeVerifier({&Hmac()}, {Algorithm::kHS256});
  const std::string good = Hmac().Mint(Payload());
  EXPECT_EQ(ReasonOf(verifier.Verify("not a token", kNow)), InvalidReason::kNotCompactJws);
  EXPECT_EQ(ReasonOf(verifier.Verify(good + ".x", kNow)), InvalidReason::kNotCompactJws);
  EXPECT_EQ(ReasonOf(verifier.Verify("Bearer " + good, kNow)), InvalidReason::kBadBase64);
  EXPECT_EQ(ReasonOf(verifier.Verify(good + "=", kNow)), InvalidReason::kBadBase64);
  EXPECT_EQ(ReasonOf(verifier.Verify(good + " ", kNow)), InvalidReason::kBadBase64);
  EXPECT_EQ(ReasonOf(verifier.Verify(Hmac().Mint("{not json", "{}"), kNow)),
            InvalidReason::kBadHeader);
  // A signed payload that is not JSON, or not an object, or not base64url.
  EXPECT_EQ(ReasonOf(verifier.Verify(Hmac().Mint(R"({"exp":)"), kNow)), InvalidReason::kBadPayload);
  EXPECT_EQ(ReasonOf(verifier.Verify(Hmac().Mint("[1,2]"), kNow)), InvalidReason::kBadPayload);
  const std::string input = Base64UrlEncode(Header("HS256")) + ".e30+";
  EXPECT_EQ(ReasonOf(verifier.Verify(input + "." + Base64UrlEncode(Hmac().Sign(input)), kNow)),
            InvalidReason::kBadBase64);
}

TEST(VerifierTest, HugeTokensAreRefusedBeforeParsing) {
  const Verifier verifier = MakeVerifier({&Hmac()}, {Algorithm::kHS256});
  // Validly signed, just too large: the size alone decides.
  std::string big_grant;
  for (int i = 0; big_grant.size() < kMaxTokenBytes; ++i) {
    big_grant += R"(,"topic/)" + std::to_string(i) + R"(")";
  }
  const std::string huge = Hmac().Mint(R"({"exp":)" + std::to_string(kNow + 600) +
                                       R"(,"ssegw":{"subscribe":["a")" + big_grant + "]}}");
  ASSERT_GT(huge.size(), kMaxTokenBytes);
  EXPECT_EQ(ReasonOf(verifier.Verify(huge, kNow)), InvalidReason::kTooLarge);
  EXPECT_EQ(ReasonOf(verifier.Verify(std::string(1 << 20, 'e'), kNow)), InvalidReason::kTooLarge);
}

TEST(VerifierTest, BadPatternInAValidTokenIsInvalid) {
  const Verifier verifier = MakeVerifier({&Ec()}, {Algorithm::kES256});
  for (const char* pattern : {"news/**/x", "a*b", "news/{id}", ""}) {
    const std::string payload = R"({"exp":)" + std::to_string(kNow + 600) +
                                R"(,"ssegw":{"subscribe":[")" + pattern + R"("]}})";
    EXPECT_EQ(ReasonOf(verifier.Verify(Ec().Mint(payload), kNow)), InvalidReason::kBadPattern)
        << pattern;
  }
}

TEST(VerifierTest, SharedAcrossThreads) {
  const auto verifier = std::make_shared<const Verifier>(MakeVerifier({&Ec(), &Hmac()}, kAll));
  const std::string es = Ec().Mint(Payload());
  const std::string hs = Hmac().Mint(Payload());
  const std::string forged = OtherEc().Mint(Payload());
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!verifier->Verify(es, kNow).valid()) ++failures[t];
        if (!verifier->Verify(hs, kNow).valid()) ++failures[t];
        if (verifier->Verify(forged, kNow).valid()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(LoadVerifierTest, ReportsWhatIsWrong) {
  KeyFiles files;
  const std::string ec = files.Write("ec.pem", Ec().KeyFileContents());
  const std::string secret = files.Write("short.key", "too short\n");

  std::vector<std::string> paths = {ec};
  VerifierOptions none;
  none.algorithms.clear();
  Loaded<std::shared_ptr<const Verifier>> loaded = LoadVerifier(paths, none);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error, HasSubstr("--auth-alg"));

  paths = {ec, secret};
  VerifierOptions with_hs;
  with_hs.algorithms = {Algorithm::kES256, Algorithm::kHS256};
  loaded = LoadVerifier(paths, with_hs);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error, HasSubstr(secret + ": holds a shared secret of 9 bytes"));

  loaded = LoadVerifier({}, VerifierOptions{});
  ASSERT_FALSE(loaded.ok());
}

}  // namespace
}  // namespace ssegw::auth
