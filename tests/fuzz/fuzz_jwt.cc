// Token parsing and verification, whatever the bytes. The first byte picks what the rest
// is:
//   0  a raw token for a verifier holding a fixed EC P-256 key and a fixed HS256 secret;
//   1  "header JSON \0 payload JSON", signed here with the HS256 secret (or, 2, the EC
//      key) so that the fuzzer reaches the header and claim checks behind the signature;
//   3  base64url text, which must round-trip when it decodes;
//   4  "pattern \0 topic", matched and compared with a plain reference matcher;
//   5  an Authorization and a Cookie header value ("authorization \0 cookie").
// The keys are fixed, not generated, so a crash reproduces from its input alone.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/base64url.h"
#include "auth/compact_jws.h"
#include "auth/token_source.h"
#include "auth/topic_pattern.h"
#include "auth/verifier.h"
#include "testutil/jwt_signer.h"

namespace {

using namespace ssegw::auth;
using ssegw::testing::JwtSigner;

// A throwaway key made for this fuzz target; it protects nothing.
constexpr std::string_view kFuzzEcPrivateKey =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgUEU5Ppq5FhzWaat8\n"
    "tDTml1PSEN8z9HVTyKTSffcqkPahRANCAASYwE77YzyPhsf0fdC4WeD7BOw5bM44\n"
    "7yt3nJBVj0OANtjphvAHf54Q/uk1lU/wac3RVIB7SariuipAxh5/FdDP\n"
    "-----END PRIVATE KEY-----\n";
constexpr std::string_view kFuzzSecret = "fuzz-secret-fuzz-secret-fuzz-secret!";
constexpr int64_t kNow = 1'750'000'000;

// abort() rather than assert(): the fuzz build may define NDEBUG (RelWithDebInfo).
void Check(bool condition) {
  if (!condition) std::abort();
}

struct Fixture {
  JwtSigner ec = JwtSigner::FromPrivatePem(Algorithm::kES256, kFuzzEcPrivateKey);
  JwtSigner hmac = JwtSigner::Hs256(std::string(kFuzzSecret));
  std::unique_ptr<Verifier> verifier;

  Fixture() {
    const std::vector<Algorithm> allowed = {Algorithm::kES256, Algorithm::kHS256};
    KeySet keys;
    for (auto [name, contents] :
         {std::pair{"ec.pem", ec.KeyFileContents()}, std::pair{"hs.key", hmac.KeyFileContents()}}) {
      Loaded<VerificationKey> key = ParseKey(name, contents, allowed);
      Check(key.ok());
      keys.Add(std::move(*key.value));
    }
    VerifierOptions options;
    options.algorithms = allowed;
    options.audience = "sse";
    verifier = std::make_unique<Verifier>(std::move(keys), std::move(options));
  }
};

const Fixture& TheFixture() {
  static const Fixture fixture;
  return fixture;
}

void CheckVerify(std::string_view token) {
  const AuthResult result = TheFixture().verifier->Verify(token, kNow);
  Check(result.kind() != AuthResult::Kind::kNoToken);
  if (token.size() > kMaxTokenBytes) Check(!result.valid());
  if (!result.valid()) {
    Check(!Describe(result.reason()).empty());
    return;
  }
  const Claims& claims = result.claims();
  Check(claims.expires_at > kNow);
  for (const TopicGrant* grant : {&claims.subscribe, &claims.publish}) {
    for (const TopicPattern& pattern : grant->patterns()) {
      Check(TopicPattern::Parse(pattern.text()).has_value());
      // A pattern without wildcards grants exactly itself.
      if (pattern.text().find('*') == std::string::npos) Check(grant->Grants(pattern.text()));
    }
  }
}

// The obvious matcher: split both on '/', compare segment lists.
std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    const size_t slash = s.find('/', begin);
    parts.push_back(s.substr(begin, slash == std::string_view::npos ? slash : slash - begin));
    if (slash == std::string_view::npos) return parts;
    begin = slash + 1;
  }
}

bool ReferenceMatch(std::string_view pattern, std::string_view topic) {
  const std::vector<std::string_view> want = Split(pattern);
  const std::vector<std::string_view> have = Split(topic);
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "**") {
      // The rest of the topic after this point, which must not be empty.
      return i < have.size() && !(i + 1 == have.size() && have[i].empty());
    }
    if (i >= have.size()) return false;
    if (want[i] == "*" ? have[i].empty() : want[i] != have[i]) return false;
  }
  return want.size() == have.size();
}

std::pair<std::string_view, std::string_view> SplitAtNul(std::string_view s) {
  const size_t nul = s.find('\0');
  if (nul == std::string_view::npos) return {s, {}};
  return {s.substr(0, nul), s.substr(nul + 1)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Fixture& fixture = TheFixture();
  switch (data[0] % 6) {
    case 0:
      CheckVerify(input);
      break;
    case 1:
    case 2: {
      const auto [header, payload] = SplitAtNul(input);
      const JwtSigner& signer = data[0] % 6 == 1 ? fixture.hmac : fixture.ec;
      CheckVerify(signer.Mint(header, payload));
      break;
    }
    case 3: {
      const std::optional<std::string> decoded = Base64UrlDecode(input);
      if (decoded) Check(ssegw::testing::Base64UrlEncode(*decoded) == input);
      break;
    }
    case 4: {
      const auto [pattern_text, topic] = SplitAtNul(input);
      const std::optional<TopicPattern> pattern = TopicPattern::Parse(pattern_text);
      if (pattern) Check(pattern->Matches(topic) == ReferenceMatch(pattern_text, topic));
      break;
    }
    case 5: {
      // What is found lies inside the header value, and never holds the separators the
      // value was cut at.
      const auto [authorization, cookies] = SplitAtNul(input);
      if (const std::optional<std::string_view> token = BearerToken(authorization)) {
        Check(token->empty() ||
              (token->data() >= authorization.data() &&
               token->data() + token->size() <= authorization.data() + authorization.size()));
        if (!token->empty()) CheckVerify(*token);
      }
      if (const std::optional<std::string_view> value = CookieValue(cookies, "ssegw_token")) {
        Check(value->find(';') == std::string_view::npos);
        if (!value->empty()) CheckVerify(*value);
      }
      break;
    }
  }
  return 0;
}
