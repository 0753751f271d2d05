#include "testutil/jwt_signer.h"

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <iostream>

namespace ssegw::testing {
namespace {

using auth::Algorithm;
using auth::OpenSslPtr;

// Test infrastructure that cannot do its job stops the test binary loudly.
[[noreturn]] void Die(const char* what) {
  std::cerr << "jwt_signer: " << what << " failed\n";
  std::abort();
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string BioContents(BIO* bio) {
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio, &mem);
  return std::string(mem->data, mem->length);
}

std::string DigestSign(EVP_PKEY* key, Algorithm algorithm, std::string_view input) {
  OpenSslPtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  if (!ctx ||
      EVP_DigestSignInit_ex(ctx.get(), &pkey_ctx, "SHA256", nullptr, nullptr, key, nullptr) != 1) {
    Die("EVP_DigestSignInit_ex");
  }
  if (algorithm == Algorithm::kRS256 &&
      EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) != 1) {
    Die("EVP_PKEY_CTX_set_rsa_padding");
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, Bytes(input), input.size()) != 1) {
    Die("EVP_DigestSign (size)");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Bytes(input),
                     input.size()) != 1) {
    Die("EVP_DigestSign");
  }
  sig.resize(len);
  return sig;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::string AssembleJws(std::string_view header_json, std::string_view payload_json,
                        std::string_view signature) {
  return Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json) + "." +
         Base64UrlEncode(signature);
}

JwtSigner::JwtSigner(Algorithm algorithm, OpenSslPtr<EVP_PKEY> key, std::string secret)
    : algorithm_(algorithm), key_(key.release(), EVP_PKEY_free), secret_(std::move(secret)) {}

JwtSigner JwtSigner::Es256() {
  OpenSslPtr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) Die("EC key generation");
  return JwtSigner(Algorithm::kES256, std::move(key), "");
}

JwtSigner JwtSigner::Rs256(int bits) {
  OpenSslPtr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) Die("RSA key generation");
  return JwtSigner(Algorithm::kRS256, std::move(key), "");
}

JwtSigner JwtSigner::Hs256(std::string secret) {
  return JwtSigner(Algorithm::kHS256, nullptr, std::move(secret));
}

JwtSigner JwtSigner::FromPrivatePem(Algorithm algorithm, std::string_view pem) {
  OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  OpenSslPtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) Die("PEM_read_bio_PrivateKey");
  return JwtSigner(algorithm, std::move(key), "");
}

std::string JwtSigner::KeyFileContents() const {
  if (algorithm_ == Algorithm::kHS256) return secret_;
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) Die("PEM_write_bio_PUBKEY");
  return BioContents(bio.get());
}

std::string JwtSigner::PrivatePem() const {
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!key_ || !bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    Die("PEM_write_bio_PrivateKey");
  }
  return BioContents(bio.get());
}

std::string JwtSigner::SignDer(std::string_view signing_input) const {
  if (algorithm_ != Algorithm::kES256) Die("SignDer on a key that is not ES256");
  return DigestSign(key_.get(), algorithm_, signing_input);
}

std::string JwtSigner::Sign(std::string_view signing_input) const {
  switch (algorithm_) {
    case Algorithm::kHS256: {
      unsigned char mac[32];
      size_t len = 0;
      if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret_.data(), secret_.size(),
                    Bytes(signing_input), signing_input.size(), mac, sizeof(mac),
                    &len) == nullptr) {
        Die("EVP_Q_mac");
      }
      return std::string(reinterpret_cast<char*>(mac), len);
    }
    case Algorithm::kRS256:
      return DigestSign(key_.get(), algorithm_, signing_input);
    case Algorithm::kES256: {
      const std::string der = SignDer(signing_input);
      const unsigned char* p = Bytes(der);
      OpenSslPtr<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
      if (!sig) Die("d2i_ECDSA_SIG");
      std::string raw(64, '\0');
      unsigned char* out = reinterpret_cast<unsigned char*>(raw.data());
      if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32) != 32 ||
          BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32) != 32) {
        Die("BN_bn2binpad");
      }
      return raw;
    }
  }
  Die("unknown algorithm");
}

std::string JwtSigner::Mint(std::string_view header_json, std::string_view payload_json) const {
  const std::string signing_input =
      Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  return signing_input + "." + Base64UrlEncode(Sign(signing_input));
}

std::string JwtSigner::Mint(std::string_view payload_json) const {
  const std::string header = std::string(R"({"alg":")") +
                             std::string(auth::AlgorithmName(algorithm_)) + R"(","typ":"JWT"})";
  return Mint(header, payload_json);
}

}  // namespace ssegw::testing
