#include "auth/signature.h"

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <array>

namespace ssegw::auth {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool VerifyWithPublicKey(const VerificationKey& key, std::string_view signing_input,
                         std::string_view der_or_pkcs1) {
  OpenSslPtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  if (EVP_DigestVerifyInit_ex(ctx.get(), &pkey_ctx, "SHA256", nullptr, nullptr, key.public_key(),
                              nullptr) != 1) {
    return false;
  }
  // PKCS#1 v1.5 is OpenSSL's default for RSA; saying so keeps it from ever being PSS.
  if (key.algorithm() == Algorithm::kRS256 &&
      EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), Bytes(der_or_pkcs1), der_or_pkcs1.size(), Bytes(signing_input),
                          signing_input.size()) == 1;
}

bool VerifyHmac(const VerificationKey& key, std::string_view signing_input,
                std::string_view signature) {
  if (signature.size() != kHs256SignatureBytes) return false;
  std::array<unsigned char, kHs256SignatureBytes> mac{};
  size_t mac_len = 0;
  const std::string_view secret = key.secret();
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                Bytes(signing_input), signing_input.size(), mac.data(), mac.size(),
                &mac_len) == nullptr ||
      mac_len != mac.size()) {
    return false;
  }
  return CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) == 0;
}

}  // namespace

std::optional<std::string> EcdsaRawToDer(std::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return std::nullopt;
  constexpr int kHalf = kEs256SignatureBytes / 2;
  OpenSslPtr<BIGNUM> r(BN_bin2bn(Bytes(raw), kHalf, nullptr));
  OpenSslPtr<BIGNUM> s(BN_bin2bn(Bytes(raw) + kHalf, kHalf, nullptr));
  OpenSslPtr<ECDSA_SIG> sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return std::nullopt;
  }
  r.release();  // now owned by sig
  s.release();
  const int der_len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (der_len <= 0) return std::nullopt;
  std::string der(static_cast<size_t>(der_len), '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != der_len) return std::nullopt;
  return der;
}

bool VerifySignature(const VerificationKey& key, std::string_view signing_input,
                     std::string_view signature) {
  bool verified = false;
  switch (key.algorithm()) {
    case Algorithm::kES256: {
      const std::optional<std::string> der = EcdsaRawToDer(signature);
      verified = der && VerifyWithPublicKey(key, signing_input, *der);
      break;
    }
    case Algorithm::kRS256:
      verified = VerifyWithPublicKey(key, signing_input, signature);
      break;
    case Algorithm::kHS256:
      verified = VerifyHmac(key, signing_input, signature);
      break;
  }
  // A refused signature leaves reasons in this thread's OpenSSL error queue; the TLS
  // code on the same thread reads that queue after its own calls, so it must stay empty.
  ERR_clear_error();
  return verified;
}

}  // namespace ssegw::auth
