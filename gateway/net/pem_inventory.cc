#include "net/pem_inventory.h"

namespace ssegw::net {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kDashes = "-----";

bool IsCertificate(std::string_view label) {
  return label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE" || label == "X509 CERTIFICATE";
}

bool IsPrivateKey(std::string_view label) {
  return label == "PRIVATE KEY" || label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY" ||
         label == "DSA PRIVATE KEY";
}

std::string Counted(int count, const std::string& one, const std::string& many) {
  return count == 1 ? one : std::to_string(count) + " " + many;
}

}  // namespace

PemInventory TakePemInventory(std::string_view text) {
  PemInventory inventory;
  inventory.empty = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  for (size_t at = text.find(kBegin); at != std::string_view::npos; at = text.find(kBegin, at)) {
    const bool line_start = at == 0 || text[at - 1] == '\n';
    at += kBegin.size();
    const size_t label_end = text.find(kDashes, at);
    const size_t line_end = text.find('\n', at);
    if (!line_start || label_end == std::string_view::npos || label_end > line_end) continue;
    const std::string_view label = text.substr(at, label_end - at);
    // A legacy encrypted key says so in a header right after its BEGIN line.
    const size_t next_begin = text.find(kBegin, label_end);
    const std::string_view block = text.substr(label_end, next_begin - label_end);
    if (IsCertificate(label)) {
      ++inventory.certificates;
    } else if (label == "ENCRYPTED PRIVATE KEY" ||
               (IsPrivateKey(label) && block.find("Proc-Type: 4,ENCRYPTED") != block.npos)) {
      ++inventory.encrypted_private_keys;
    } else if (IsPrivateKey(label)) {
      ++inventory.private_keys;
    } else if (label == "PUBLIC KEY" || label == "RSA PUBLIC KEY") {
      ++inventory.public_keys;
    } else if (label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST") {
      ++inventory.certificate_requests;
    } else if (label != "EC PARAMETERS") {
      inventory.other_labels.emplace_back(label);
    }
  }
  return inventory;
}

std::string Describe(const PemInventory& inventory) {
  if (inventory.empty) return "an empty file";
  std::vector<std::string> parts;
  if (inventory.certificates > 0) {
    parts.push_back(Counted(inventory.certificates, "a certificate", "certificates"));
  }
  if (inventory.private_keys > 0) {
    parts.push_back(Counted(inventory.private_keys, "a private key", "private keys"));
  }
  if (inventory.encrypted_private_keys > 0) {
    parts.push_back(Counted(inventory.encrypted_private_keys, "an encrypted private key",
                            "encrypted private keys"));
  }
  if (inventory.public_keys > 0) {
    parts.push_back(Counted(inventory.public_keys, "a public key", "public keys"));
  }
  if (inventory.certificate_requests > 0) {
    parts.push_back(Counted(inventory.certificate_requests, "a certificate signing request",
                            "certificate signing requests"));
  }
  for (const std::string& label : inventory.other_labels) parts.push_back("a " + label + " block");
  if (parts.empty()) return "no PEM block (DER, or not a certificate or key at all?)";
  std::string text = parts.front();
  for (size_t i = 1; i < parts.size(); ++i) {
    text += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  }
  return text;
}

}  // namespace ssegw::net
