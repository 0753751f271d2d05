#include "net/pem_inventory.h"

#include <gtest/gtest.h>

namespace ssegw::net {
namespace {

std::string Block(const std::string& label, const std::string& headers = "") {
  return "-----BEGIN " + label + "-----\n" + headers + "TUlJQg==\n-----END " + label + "-----\n";
}

TEST(PemInventoryTest, CountsWhatTheFileHolds) {
  const PemInventory chain = TakePemInventory(Block("CERTIFICATE") + Block("CERTIFICATE"));
  EXPECT_EQ(chain.certificates, 2);
  EXPECT_EQ(Describe(chain), "2 certificates");

  const PemInventory ec_key = TakePemInventory(Block("EC PARAMETERS") + Block("EC PRIVATE KEY"));
  EXPECT_EQ(ec_key.private_keys, 1);
  EXPECT_EQ(Describe(ec_key), "a private key");

  const PemInventory both = TakePemInventory("text before\n" + Block("PRIVATE KEY") +
                                             Block("CERTIFICATE") + Block("PUBLIC KEY"));
  EXPECT_EQ(Describe(both), "a certificate, a private key and a public key");
}

TEST(PemInventoryTest, TellsEncryptedKeysApart) {
  EXPECT_EQ(TakePemInventory(Block("ENCRYPTED PRIVATE KEY")).encrypted_private_keys, 1);
  const PemInventory legacy = TakePemInventory(
      Block("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"));
  EXPECT_EQ(legacy.encrypted_private_keys, 1);
  EXPECT_EQ(legacy.private_keys, 0);
  EXPECT_EQ(Describe(legacy), "an encrypted private key");
}

TEST(PemInventoryTest, SaysWhenThereIsNoPem) {
  EXPECT_EQ(Describe(TakePemInventory("")), "an empty file");
  EXPECT_EQ(Describe(TakePemInventory(" \n\t")), "an empty file");
  EXPECT_EQ(Describe(TakePemInventory(std::string("\x30\x82\x01\x0a", 4))),
            "no PEM block (DER, or not a certificate or key at all?)");
  // A BEGIN line must start a line and end in dashes.
  EXPECT_EQ(Describe(TakePemInventory("x -----BEGIN CERTIFICATE-----\n")),
            "no PEM block (DER, or not a certificate or key at all?)");
  EXPECT_EQ(Describe(TakePemInventory(Block("CERTIFICATE REQUEST") + Block("X509 CRL"))),
            "a certificate signing request and a X509 CRL block");
}

}  // namespace
}  // namespace ssegw::net
