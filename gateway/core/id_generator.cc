#include "core/id_generator.h"

namespace ssegw {
namespace {

constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

void AppendBase36(uint64_t value, std::string& out) {
  char buffer[13];  // 36^13 > 2^64
  char* end = buffer + sizeof(buffer);
  char* p = end;
  do {
    *--p = kDigits[value % 36];
    value /= 36;
  } while (value != 0);
  out.append(p, end);
}

}  // namespace

IdGenerator::IdGenerator(uint64_t boot_epoch) {
  AppendBase36(boot_epoch, prefix_);
  prefix_.push_back('-');
}

std::string IdGenerator::Next() {
  // An epoch in milliseconds is 8 base36 digits, so ids fit the small-string buffer
  // (15 bytes in libstdc++) for the first 36^6 (about 2e9) events: no allocation.
  std::string id = prefix_;
  AppendBase36(counter_++, id);
  return id;
}

}  // namespace ssegw
