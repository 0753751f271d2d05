#include "auth/algorithm.h"

namespace ssegw::auth {

std::string_view AlgorithmName(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kES256:
      return "ES256";
    case Algorithm::kRS256:
      return "RS256";
    case Algorithm::kHS256:
      return "HS256";
  }
  return "?";
}

std::optional<Algorithm> ParseAlgorithm(std::string_view name) {
  for (Algorithm a : {Algorithm::kES256, Algorithm::kRS256, Algorithm::kHS256}) {
    if (name == AlgorithmName(a)) return a;
  }
  return std::nullopt;
}

}  // namespace ssegw::auth
