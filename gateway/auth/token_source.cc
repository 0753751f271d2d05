#include "auth/token_source.h"

namespace ssegw::auth {
namespace {

constexpr std::string_view kSpace = " \t";

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  const std::string_view value = Trim(authorization);
  if (!EqualsIgnoringCase(value.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  const std::string_view rest = value.substr(kScheme.size());
  if (rest.empty()) return rest;                 // "Bearer" alone
  if (rest.front() != ' ') return std::nullopt;  // "Bearerx", another scheme
  return Trim(rest);
}

std::optional<std::string_view> CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const size_t semicolon = cookie_header.find(';');
    const std::string_view pair = Trim(cookie_header.substr(0, semicolon));
    cookie_header = semicolon == std::string_view::npos ? std::string_view()
                                                        : cookie_header.substr(semicolon + 1);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || Trim(pair.substr(0, equals)) != name) continue;
    std::string_view value = Trim(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

}  // namespace ssegw::auth
