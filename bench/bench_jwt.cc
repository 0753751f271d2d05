// Token verification cost per subscription set-up: one typical subscriber token (a
// handful of claims, a three-pattern grant) verified with each algorithm, and the grant
// check of a request's topics. Keys are made once before timing; the verifier is the
// shared immutable one the gateway uses.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "auth/verifier.h"
#include "testutil/jwt_signer.h"

namespace ssegw::auth {
namespace {

using testing::JwtSigner;

constexpr int64_t kNow = 1'750'000'000;

const std::string& TypicalPayload() {
  static const std::string payload =
      R"({"iss":"https://auth.example.com","sub":"user-42","aud":"sse","iat":1749999000,)"
      R"("exp":1750003600,"ssegw":{"subscribe":["user/42/notifications","news/*",)"
      R"("orders/42/**"]}})";
  return payload;
}

// Sets up a verifier holding only `signer`'s key and times verifying one of its tokens.
void VerifyWith(benchmark::State& state, const JwtSigner& signer) {
  const std::vector<Algorithm> allowed = {signer.algorithm()};
  Loaded<VerificationKey> key = ParseKey("bench.pem", signer.KeyFileContents(), allowed);
  if (!key.ok()) {
    state.SkipWithError(key.error.c_str());
    return;
  }
  KeySet keys;
  keys.Add(std::move(*key.value));
  VerifierOptions options;
  options.algorithms = allowed;
  options.audience = "sse";
  options.issuer = "https://auth.example.com";
  const Verifier verifier(std::move(keys), std::move(options));
  const std::string token = signer.Mint(TypicalPayload());
  if (!verifier.Verify(token, kNow).valid()) {
    state.SkipWithError("the benchmark token does not verify");
    return;
  }
  for (auto _ : state) {
    AuthResult result = verifier.Verify(token, kNow);
    benchmark::DoNotOptimize(result);
  }
  state.counters["token_bytes"] = static_cast<double>(token.size());
}

void BM_VerifyEs256(benchmark::State& state) {
  VerifyWith(state, JwtSigner::Es256());
}
void BM_VerifyRs256(benchmark::State& state) {
  VerifyWith(state, JwtSigner::Rs256(2048));
}
void BM_VerifyHs256(benchmark::State& state) {
  VerifyWith(state, JwtSigner::Hs256("a benchmark secret of well over thirty-two bytes"));
}

// The per-request grant check once the token is verified: three topics, three patterns.
void BM_GrantsAll(benchmark::State& state) {
  std::vector<TopicPattern> patterns;
  for (const char* p : {"user/42/notifications", "news/*", "orders/42/**"}) {
    patterns.push_back(*TopicPattern::Parse(p));
  }
  const TopicGrant grant(std::move(patterns));
  const std::vector<std::string> topics = {"news/sport", "orders/42/items/7",
                                           "user/42/notifications"};
  for (auto _ : state) benchmark::DoNotOptimize(grant.GrantsAll(topics));
}

BENCHMARK(BM_VerifyEs256);
BENCHMARK(BM_VerifyRs256);
BENCHMARK(BM_VerifyHs256);
BENCHMARK(BM_GrantsAll);

}  // namespace
}  // namespace ssegw::auth
