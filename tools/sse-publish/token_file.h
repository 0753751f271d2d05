// The bearer token sse-publish --url sends, read from the file that --token names.
//
// The file holds one compact JWS: three base64url parts separated by dots. Whitespace
// around it (the newline an editor or `echo` leaves) is trimmed. Anything else is
// refused with a message that never repeats the file's contents, so a token — or a
// secret put in the wrong file — never reaches a terminal or a log. Checking the
// characters also keeps the value from smuggling a second header line into the request.
//
// Pure functions apart from ReadTokenFile's read; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ssegw::tools {

// The token `text` holds; nullopt with *error set when it holds no compact JWS.
std::optional<std::string> TokenFromText(std::string_view text, std::string* error);

// The same for the contents of the file at `path`; *error names the file.
std::optional<std::string> ReadTokenFile(const std::string& path, std::string* error);

}  // namespace ssegw::tools
