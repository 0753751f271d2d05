#include "net/tls_context.h"

#include <openssl/err.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

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

// OpenSSL's errors for a missing file are long; say it the way a user expects first.
bool CheckReadable(const char* what, const std::string& path, std::string* error) {
  FILE* file = fopen(path.c_str(), "r");
  if (file == nullptr) {
    *error = std::string("cannot read ") + what + " " + path + ": " + strerror(errno);
    return false;
  }
  fclose(file);
  return true;
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
                                               const std::string& key_file, std::string* error) {
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
  SSL_CTX_set_alpn_select_cb(ctx, &SelectAlpn, nullptr);

  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    *error = "cannot load certificate " + cert_file + ": " + TakeOpenSslError("unknown error");
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    *error = "cannot load key " + key_file + ": " + TakeOpenSslError("unknown error");
    return nullptr;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    *error = "key " + key_file + " does not match certificate " + cert_file + ": " +
             TakeOpenSslError("mismatch");
    return nullptr;
  }
  return result;
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

}  // namespace ssegw::net
