// JwtSigner: mints compact JWS tokens for tests, benchmarks and fuzzing, with a key made
// at run time (EVP_PKEY_Q_keygen) or a given HS256 secret. It signs what it is given,
// header and payload JSON as raw text, so tests can also mint malformed and hostile
// tokens (alg "none", a wrong alg, bad JSON) that a JOSE library would refuse to make.
//
// Not a production signer: keys live in memory only. A signer is immutable once built;
// signing from several threads at once is safe.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "auth/algorithm.h"
#include "auth/openssl_ptr.h"

namespace ssegw::testing {

// Unpadded base64url, as JWS writes every part.
std::string Base64UrlEncode(std::string_view bytes);

// "b64(header).b64(payload).b64(signature)".
std::string AssembleJws(std::string_view header_json, std::string_view payload_json,
                        std::string_view signature);

class JwtSigner {
 public:
  static JwtSigner Es256();
  static JwtSigner Rs256(int bits = 2048);
  static JwtSigner Hs256(std::string secret);
  // From a PEM private key (EC P-256 or RSA), e.g. the one scripts/dev-token writes.
  static JwtSigner FromPrivatePem(auth::Algorithm algorithm, std::string_view pem);

  auth::Algorithm algorithm() const { return algorithm_; }

  // What a key file for the verifier holds: the PEM public key, or the HS256 secret.
  std::string KeyFileContents() const;
  std::string PrivatePem() const;  // ES256 and RS256 only

  // The JWS signature bytes of `signing_input` (for ES256 the raw r || s, 64 bytes).
  std::string Sign(std::string_view signing_input) const;
  // ES256 only: the same signature DER-encoded, as OpenSSL makes it (and JWS forbids).
  std::string SignDer(std::string_view signing_input) const;

  // A signed token with this header and payload, both raw JSON text.
  std::string Mint(std::string_view header_json, std::string_view payload_json) const;
  // The same with the header {"alg":"<this signer's>","typ":"JWT"}.
  std::string Mint(std::string_view payload_json) const;

 private:
  JwtSigner(auth::Algorithm algorithm, auth::OpenSslPtr<EVP_PKEY> key, std::string secret);

  auth::Algorithm algorithm_;
  std::shared_ptr<EVP_PKEY> key_;  // shared: signers are copyable, the key is never changed
  std::string secret_;
};

}  // namespace ssegw::testing
