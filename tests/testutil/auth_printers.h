// Lets GoogleTest print auth values by name in failure messages ("token expired" rather
// than "4-byte object <0C-00 00-00>"). Found by argument-dependent lookup.
#pragma once

#include <ostream>

#include "auth/algorithm.h"
#include "auth/invalid_reason.h"

namespace ssegw::auth {

inline void PrintTo(InvalidReason reason, std::ostream* os) {
  *os << Describe(reason);
}
inline void PrintTo(Algorithm algorithm, std::ostream* os) {
  *os << AlgorithmName(algorithm);
}

}  // namespace ssegw::auth
