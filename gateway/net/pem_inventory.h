// PemInventory: what a PEM file holds, counted by its "-----BEGIN LABEL-----" lines, so
// that a certificate or key that OpenSSL refuses can be reported as what was expected and
// what was found ("holds a private key, not a certificate") instead of decoder codes.
//
// Pure: text in, counts out; it does not decode or validate the blocks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ssegw::net {

struct PemInventory {
  bool empty = true;  // nothing but white space
  int certificates = 0;
  int private_keys = 0;            // unencrypted
  int encrypted_private_keys = 0;  // PKCS#8 "ENCRYPTED PRIVATE KEY" or a legacy
                                   // "Proc-Type: 4,ENCRYPTED" block
  int public_keys = 0;
  int certificate_requests = 0;
  std::vector<std::string> other_labels;  // e.g. "X509 CRL"; EC PARAMETERS is not counted
};

PemInventory TakePemInventory(std::string_view text);

// "an empty file", "no PEM block (DER, or not a certificate or key at all?)", or a list
// such as "2 certificates and a private key".
std::string Describe(const PemInventory& inventory);

}  // namespace ssegw::net
