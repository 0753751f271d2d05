#include "auth/key_set.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace ssegw::auth {
namespace {

constexpr std::string_view kPemBegin = "-----BEGIN ";

bool Allows(std::span<const Algorithm> allowed, Algorithm algorithm) {
  return std::find(allowed.begin(), allowed.end(), algorithm) != allowed.end();
}

std::string KeyIdOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  return std::string(name);
}

std::string_view TrimLeadingSpace(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view() : s.substr(first);
}

// The label of a PEM block that starts at `pem` ("PUBLIC KEY" for "-----BEGIN PUBLIC
// KEY-----"), or empty when the line is not a well-formed BEGIN line.
std::string_view PemLabel(std::string_view pem) {
  const std::string_view rest = pem.substr(kPemBegin.size());
  const size_t end = rest.find("-----");
  if (end == std::string_view::npos || rest.substr(0, end).find('\n') != std::string_view::npos) {
    return {};
  }
  return rest.substr(0, end);
}

Loaded<VerificationKey> Fail(std::string_view source, std::string_view what) {
  Loaded<VerificationKey> result;
  result.error = std::string(source) + ": " + std::string(what);
  return result;
}

Loaded<VerificationKey> Ok(VerificationKey key) {
  Loaded<VerificationKey> result;
  result.value.emplace(std::move(key));
  return result;
}

std::string AlgorithmNotAllowed(std::string_view key_kind, Algorithm algorithm) {
  return std::string(key_kind) + " serves " + std::string(AlgorithmName(algorithm)) +
         ", which is not among the allowed algorithms (--auth-alg)";
}

Loaded<VerificationKey> ParsePublicKey(std::string_view source, std::string_view pem,
                                       std::span<const Algorithm> allowed) {
  const std::string_view label = PemLabel(pem);
  if (label.find("PRIVATE KEY") != std::string_view::npos) {
    return Fail(source,
                "holds a private key; give the gateway only the public key "
                "(openssl pkey -in KEY -pubout)");
  }
  if (label == "CERTIFICATE") {
    return Fail(source,
                "holds a certificate; give its public key instead "
                "(openssl x509 -in CERT -pubkey -noout)");
  }
  if (label == "RSA PUBLIC KEY") {
    return Fail(source,
                "holds a PKCS#1 RSA public key; convert it to a PUBLIC KEY block "
                "(openssl rsa -RSAPublicKey_in -in KEY -pubout)");
  }
  if (label != "PUBLIC KEY") {
    return Fail(source, "is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
  }
  if (pem.find(kPemBegin, kPemBegin.size()) != std::string_view::npos) {
    return Fail(source, "holds more than one PEM block; give one key per file");
  }

  OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  OpenSslPtr<EVP_PKEY> key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)
                               : nullptr);
  // Keys are loaded on a thread that also does TLS (a reload): leave its error queue empty.
  ERR_clear_error();
  if (!key) return Fail(source, "holds a PUBLIC KEY block that OpenSSL cannot read");

  const std::string id = KeyIdOf(source);
  if (EVP_PKEY_is_a(key.get(), "EC")) {
    char group[64] = {};
    size_t group_len = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &group_len) != 1 ||
        OBJ_sn2nid(group) != NID_X9_62_prime256v1) {
      return Fail(source, "is an EC key on a curve other than P-256 (ES256 needs P-256)");
    }
    if (!Allows(allowed, Algorithm::kES256)) {
      return Fail(source, AlgorithmNotAllowed("an EC P-256 key", Algorithm::kES256));
    }
    return Ok(VerificationKey(Algorithm::kES256, id, std::move(key)));
  }
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    const int bits = EVP_PKEY_get_bits(key.get());
    if (bits < kMinRsaBits) {
      return Fail(source, "is an RSA key of " + std::to_string(bits) +
                              " bits; RS256 needs at least " + std::to_string(kMinRsaBits));
    }
    if (!Allows(allowed, Algorithm::kRS256)) {
      return Fail(source, AlgorithmNotAllowed("an RSA key", Algorithm::kRS256));
    }
    return Ok(VerificationKey(Algorithm::kRS256, id, std::move(key)));
  }
  const char* type = EVP_PKEY_get0_type_name(key.get());
  return Fail(source, std::string("is a ") + (type ? type : "unknown") +
                          " key; use EC P-256 (ES256) or RSA of 2048 bits or more (RS256)");
}

Loaded<VerificationKey> ParseSecret(std::string_view source, std::string_view contents,
                                    std::span<const Algorithm> allowed) {
  if (!Allows(allowed, Algorithm::kHS256)) {
    return Fail(source,
                "is not a PEM public key (-----BEGIN PUBLIC KEY-----); a file holding a "
                "shared secret needs HS256 among the allowed algorithms (--auth-alg HS256)");
  }
  // Editors and `echo` end files with a newline that is not part of the secret.
  std::string_view secret = contents;
  if (secret.ends_with('\n')) {
    secret.remove_suffix(1);
    if (secret.ends_with('\r')) secret.remove_suffix(1);
  }
  if (secret.size() < kMinSecretBytes) {
    return Fail(source, "holds a shared secret of " + std::to_string(secret.size()) +
                            " bytes; HS256 needs at least " + std::to_string(kMinSecretBytes) +
                            " (for example: openssl rand -base64 48 > FILE)");
  }
  return Ok(VerificationKey(KeyIdOf(source), std::string(secret)));
}

Loaded<std::string> ReadKeyFile(const std::string& path) {
  Loaded<std::string> result;
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    result.error = path + ": cannot open: " + std::strerror(errno);
    return result;
  }
  std::string contents(kMaxKeyFileBytes + 1, '\0');
  const size_t n = std::fread(contents.data(), 1, contents.size(), file.get());
  if (std::ferror(file.get())) {
    result.error = path + ": cannot read: " + std::strerror(errno);
    return result;
  }
  if (n > kMaxKeyFileBytes) {
    result.error = path + ": is larger than " + std::to_string(kMaxKeyFileBytes) +
                   " bytes; it does not hold a single key";
    return result;
  }
  contents.resize(n);
  result.value = std::move(contents);
  return result;
}

}  // namespace

VerificationKey::VerificationKey(Algorithm algorithm, std::string id,
                                 OpenSslPtr<EVP_PKEY> public_key)
    : algorithm_(algorithm), id_(std::move(id)), public_key_(std::move(public_key)) {}

VerificationKey::VerificationKey(std::string id, std::string secret)
    : algorithm_(Algorithm::kHS256), id_(std::move(id)), secret_(std::move(secret)) {}

VerificationKey::~VerificationKey() {
  // Best effort: copies made before the key was built are not reached.
  if (!secret_.empty()) OPENSSL_cleanse(secret_.data(), secret_.size());
}

Loaded<VerificationKey> ParseKey(std::string_view source, std::string_view contents,
                                 std::span<const Algorithm> allowed) {
  if (contents.empty()) return Fail(source, "is empty");
  const std::string_view trimmed = TrimLeadingSpace(contents);
  if (trimmed.starts_with(kPemBegin)) return ParsePublicKey(source, trimmed, allowed);
  return ParseSecret(source, contents, allowed);
}

Loaded<KeySet> KeySet::LoadFiles(std::span<const std::string> paths,
                                 std::span<const Algorithm> allowed) {
  Loaded<KeySet> result;
  if (paths.empty()) {
    result.error = "no key given (--auth-key)";
    return result;
  }
  KeySet keys;
  for (const std::string& path : paths) {
    Loaded<std::string> contents = ReadKeyFile(path);
    if (!contents.ok()) {
      result.error = std::move(contents.error);
      return result;
    }
    Loaded<VerificationKey> key = ParseKey(path, *contents.value, allowed);
    OPENSSL_cleanse(contents.value->data(), contents.value->size());
    if (!key.ok()) {
      result.error = std::move(key.error);
      return result;
    }
    keys.Add(std::move(*key.value));
  }
  result.value = std::move(keys);
  return result;
}

std::vector<const VerificationKey*> KeySet::Candidates(Algorithm algorithm,
                                                       std::optional<std::string_view> kid) const {
  std::vector<const VerificationKey*> fitting;
  std::vector<const VerificationKey*> named;
  for (const VerificationKey& key : keys_) {
    if (key.algorithm() != algorithm) continue;
    fitting.push_back(&key);
    if (kid && key.id() == *kid) named.push_back(&key);
  }
  return named.empty() ? fitting : named;
}

}  // namespace ssegw::auth
