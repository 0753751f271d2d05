#include "token_file.h"

#include <fstream>

namespace ssegw::tools {
namespace {

// Far beyond any token the gateway accepts; stops a wrong file from being read whole.
constexpr size_t kMaxTokenFileBytes = 64 * 1024;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

std::optional<std::string> TokenFromText(std::string_view text, std::string* error) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  if (text.empty()) {
    *error = "is empty";
    return std::nullopt;
  }
  size_t dots = 0;
  for (char c : text) {
    if (c == '.') {
      ++dots;
    } else if (!IsBase64Url(c)) {
      *error = "does not hold a token: a compact JWS is three base64url parts joined by dots";
      return std::nullopt;
    }
  }
  if (dots != 2) {
    *error = "does not hold a token: a compact JWS is three base64url parts joined by dots";
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<std::string> ReadTokenFile(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    *error = "cannot read the token file " + path;
    return std::nullopt;
  }
  std::string contents(kMaxTokenFileBytes + 1, '\0');
  in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  contents.resize(static_cast<size_t>(in.gcount()));
  if (contents.size() > kMaxTokenFileBytes) {
    *error = "the token file " + path + " is too large to hold a token";
    return std::nullopt;
  }
  std::string why;
  std::optional<std::string> token = TokenFromText(contents, &why);
  if (!token) *error = "the token file " + path + " " + why;
  return token;
}

}  // namespace ssegw::tools
