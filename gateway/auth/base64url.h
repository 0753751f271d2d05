// Strict base64url decoding (RFC 4648 §5) as JWS uses it (RFC 7515 §2): the URL-safe
// alphabet, no padding, no whitespace, and canonical input only (the unused low bits of
// the last character must be zero), so one byte string has exactly one accepted text.
//
// Why not OpenSSL: EVP_DecodeBlock and EVP_DecodeUpdate decode the standard alphabet
// ('+', '/') with '=' padding, skip whitespace, and EVP_DecodeBlock reports padding as
// decoded zero bytes. Using them would mean rewriting and re-padding a copy of the input
// and still checking every character and the trailing bits ourselves, which is the whole
// of a decoder. So the decoder is written here, table-driven, in one pass.
//
// A pure function: no state, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ssegw::auth {

// The decoded bytes, or nullopt for any character outside [A-Za-z0-9_-], any '=', a
// length that leaves one character over (length % 4 == 1), or non-zero unused bits.
// The empty text decodes to the empty string.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace ssegw::auth
