#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include "net/pem_inventory.h"

namespace ssegw::net {
namespace {

// Forward-secret key exchange and AEAD ciphers only; TLS 1.3 suites are all AEAD and
// keep OpenSSL's defaults.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The protocols we speak, in our order of preference, in ALPN's wire format.
constexpr std::string_view kServerProtocols[] = {"h2", "http/1.1"};

// Picks, by server preference, the first of our protocols the client offers (its list
// is length-prefixed names). Walked by hand rather than with SSL_select_next_proto,
// whose no-overlap fallback would pick a protocol we do not speak.
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  for (std::string_view wanted : kServerProtocols) {
    for (unsigned int i = 0; i < inlen;) {
      unsigned int len = in[i];
      if (len == 0 || i + 1 + len > inlen) break;  // malformed list
      std::string_view name(reinterpret_cast<const char*>(in + i + 1), len);
      if (name == wanted) {
        *out = in + i + 1;
        *outlen = static_cast<unsigned char>(len);
        return SSL_TLSEXT_ERR_OK;
      }
      i += 1 + len;
    }
  }
  // Fatal (RFC 7301 §3.2): the client gets no_application_protocol instead of a
  // connection it cannot use. A client that offers no ALPN at all never gets here; the
  // connection tells its protocol from its first bytes.
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// OpenSSL's errors for a missing file are long; say it the way a user expects first. A
// relative path is read from the working directory, which is worth saying when it fails.
bool CheckReadable(const char* what, const std::string& path, std::string* error) {
  FILE* file = fopen(path.c_str(), "r");
  if (file == nullptr) {
    *error = std::string("cannot read ") + what + " " + path + ": " + strerror(errno);
    char cwd[4096];
    if (!path.starts_with("/") && getcwd(cwd, sizeof(cwd)) != nullptr) {
      *error += std::string(" (relative to the working directory ") + cwd + ")";
    }
    return false;
  }
  fclose(file);
  return true;
}

// The start of a file, enough to see what PEM blocks it holds.
PemInventory InventoryOf(const std::string& path) {
  std::string text(1 << 20, '\0');
  FILE* file = fopen(path.c_str(), "rb");
  if (file == nullptr) return TakePemInventory("");
  text.resize(fread(text.data(), 1, text.size(), file));
  fclose(file);
  return TakePemInventory(text);
}

// OpenSSL's first reason alone ("bad base64 decode"), without the library and code
// numbers; the later ones only wrap it ("PEM lib").
std::string TakeOpenSslReason() {
  unsigned long code = ERR_peek_error();
  ERR_clear_error();
  const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
  return reason != nullptr ? reason : "unknown error";
}

std::string CertificateProblem(const std::string& cert_file) {
  const PemInventory found = InventoryOf(cert_file);
  if (found.certificates == 0) {
    ERR_clear_error();
    std::string text = cert_file + ": not a PEM certificate: found " + Describe(found);
    if (found.private_keys + found.encrypted_private_keys > 0) {
      text += " (are --cert and --key swapped?)";
    }
    return text;
  }
  return cert_file + ": a certificate in it is damaged: " + TakeOpenSslReason();
}

std::string KeyProblem(const std::string& key_file) {
  const PemInventory found = InventoryOf(key_file);
  if (found.private_keys == 0 && found.encrypted_private_keys > 0) {
    ERR_clear_error();
    return key_file +
           ": the private key is encrypted; the gateway needs it unencrypted "
           "(openssl pkey -in " +
           key_file + " -out NEW.key, then keep NEW.key readable only by the gateway)";
  }
  if (found.private_keys == 0) {
    ERR_clear_error();
    std::string text = key_file + ": not a PEM private key: found " + Describe(found);
    if (found.certificates > 0) text += " (are --cert and --key swapped?)";
    return text;
  }
  // OpenSSL 3's decoders say only "unsupported" for a block none of them could read.
  const std::string reason = TakeOpenSslReason();
  if (reason == "unsupported") {
    return key_file + ": the private key in it is damaged, or of a kind OpenSSL cannot read";
  }
  return key_file + ": the private key in it is damaged: " + reason;
}

// "an EC 256-bit key", "an RSA 2048-bit key", "an ED25519 key".
std::string KeyKind(const EVP_PKEY* key) {
  if (key == nullptr) return "no key";
  const char* name = EVP_PKEY_get0_type_name(key);
  std::string kind = name != nullptr ? name : "unknown";
  for (char& c : kind) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  const int bits = EVP_PKEY_get_bits(key);
  if (kind != "ED25519" && kind != "ED448" && bits > 0) kind += " " + std::to_string(bits) + "-bit";
  const bool vowel = std::string_view("AEIOU").find(kind.front()) != std::string_view::npos ||
                     kind.starts_with("RSA");  // "an RSA": the letter is read "ar"
  return (vowel ? "an " : "a ") + kind + " key";
}

std::string MismatchProblem(const std::string& cert_file, const std::string& key_file,
                            const EVP_PKEY* certificate_key, const EVP_PKEY* key) {
  std::string text = "certificate and key do not match: the key in " + key_file +
                     " is not the key of the certificate in " + cert_file;
  const std::string certificate_kind = KeyKind(certificate_key);
  const std::string key_kind = KeyKind(key);
  if (certificate_kind != key_kind) {
    text += " (the certificate is for " + certificate_kind + "; " + key_file + " holds " +
            key_kind + ")";
  } else if (InventoryOf(cert_file).certificates > 1) {
    text += " (the first certificate in " + cert_file +
            " must be the server's own, followed by its chain)";
  }
  return text;
}

// Never prompts on the terminal for a passphrase: an encrypted key is reported instead.
int NoPassphrase(char*, int, int, void*) {
  return -1;
}

// The private key in `key_file`, or nullptr with *error saying what the file holds.
EVP_PKEY* ReadPrivateKey(const std::string& key_file, std::string* error) {
  ERR_clear_error();
  BIO* bio = BIO_new_file(key_file.c_str(), "r");
  if (bio == nullptr) {
    *error = key_file + ": cannot open: " + TakeOpenSslReason();
    return nullptr;
  }
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, &NoPassphrase, nullptr);
  BIO_free(bio);
  if (key == nullptr) *error = KeyProblem(key_file);
  return key;
}

}  // namespace

std::string TakeOpenSslError(const char* fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

std::unique_ptr<TlsContext> TlsContext::Create(const std::string& cert_file,
                                               const std::string& key_file, std::string* error,
                                               std::shared_ptr<TicketKeys> ticket_keys) {
  if (!CheckReadable("certificate", cert_file, error) || !CheckReadable("key", key_file, error)) {
    return nullptr;
  }
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    *error = "cannot create a TLS context: " + TakeOpenSslError("out of memory");
    return nullptr;
  }
  std::unique_ptr<TlsContext> result(new TlsContext(ctx));

  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    *error = "cannot set the TLS 1.2 ciphers: " + TakeOpenSslError("unknown error");
    return nullptr;
  }
  // No compression (CRIME), no renegotiation (RFC 9113 §9.2.1 forbids it for h2); an EOF
  // without close_notify is an ordinary disconnect for us, since HTTP/2 frames itself.
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Partial writes let one SSL_write take a whole output buffer and report progress;
  // a moving buffer lets the connection's output string reallocate between retries;
  // released buffers keep idle connections small.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  // One read() takes every record the socket holds, where OpenSSL would otherwise read
  // each record's header and body separately; Connection::DoRead drains what was read
  // ahead (Transport::HoldsInput), since the socket will not signal it again.
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_alpn_select_cb(ctx, &SelectAlpn, nullptr);
  if (ticket_keys == nullptr) {
    ticket_keys = TicketKeys::Create(TicketKeys::kDefaultRotationMs, error);
    if (ticket_keys == nullptr) return nullptr;
  }
  if (!ticket_keys->Install(ctx, error)) return nullptr;
  result->ticket_keys_ = std::move(ticket_keys);

  SSL_CTX_set_default_passwd_cb(ctx, &NoPassphrase);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    *error = CertificateProblem(cert_file);
    return nullptr;
  }
  // The key is read and compared here rather than by SSL_CTX_use_PrivateKey_file, whose
  // failures ("key values mismatch", "DECODER routines::unsupported") do not say which
  // file is wrong or how.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(ReadPrivateKey(key_file, error),
                                                          &EVP_PKEY_free);
  if (key == nullptr) return nullptr;
  const EVP_PKEY* certificate_key = X509_get0_pubkey(SSL_CTX_get0_certificate(ctx));
  if (certificate_key == nullptr || EVP_PKEY_eq(certificate_key, key.get()) != 1) {
    ERR_clear_error();
    *error = MismatchProblem(cert_file, key_file, certificate_key, key.get());
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    *error = "cannot use the key in " + key_file + " with the certificate in " + cert_file + ": " +
             TakeOpenSslReason();
    return nullptr;
  }
  return result;
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

}  // namespace ssegw::net
