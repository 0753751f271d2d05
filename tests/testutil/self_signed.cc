#include "testutil/self_signed.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace ssegw::testing {
namespace {

// What PEM_write_bio_`write` puts in a memory BIO.
template <typename Write>
std::string Pem(Write&& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

}  // namespace

SelfSigned WriteSelfSigned(KeyFiles& files, const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, subject);
  X509_sign(cert, key, EVP_sha256());
  SelfSigned out;
  out.cert_file = files.Write(name + ".crt", Pem([&](BIO* bio) { PEM_write_bio_X509(bio, cert); }));
  out.key_file =
      files.Write(name + ".key", Pem([&](BIO* bio) {
                    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
                  }));
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace ssegw::testing
