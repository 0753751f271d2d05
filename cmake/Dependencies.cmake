# Finds every Debian package the build needs and stops early, naming the package to
# install, when one is missing (scripts/deps installs them all).
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package pkg-config")
endif()

macro(ssegw_require_pkg target module debian_package)
  pkg_check_modules(${target} IMPORTED_TARGET ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package ${debian_package}")
  endif()
endmacro()

ssegw_require_pkg(NGHTTP2 libnghttp2 libnghttp2-dev)
ssegw_require_pkg(LIBEVENT libevent libevent-dev)
ssegw_require_pkg(LIBEVENT_PTHREADS libevent_pthreads libevent-dev)
ssegw_require_pkg(NATS libnats libnats-dev)
# sse-publish --url: POST /publish over HTTP/2 (or HTTP/1.1) with TLS.
ssegw_require_pkg(LIBCURL libcurl libcurl4-openssl-dev)

# http_parser ships no pkg-config file or CMake package: find the header and library.
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h)
find_library(HTTP_PARSER_LIBRARY http_parser)
if(NOT HTTP_PARSER_INCLUDE_DIR OR NOT HTTP_PARSER_LIBRARY)
  message(FATAL_ERROR "http_parser not found: install the Debian package libhttp-parser-dev")
endif()
add_library(HttpParser::HttpParser UNKNOWN IMPORTED)
set_target_properties(HttpParser::HttpParser PROPERTIES
  IMPORTED_LOCATION ${HTTP_PARSER_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${HTTP_PARSER_INCLUDE_DIR})

find_package(OpenSSL 3)
if(NOT OpenSSL_FOUND)
  message(FATAL_ERROR "OpenSSL 3 not found: install the Debian package libssl-dev")
endif()

find_package(Protobuf)
if(NOT Protobuf_FOUND OR NOT Protobuf_PROTOC_EXECUTABLE)
  message(FATAL_ERROR
          "Protobuf not found: install the Debian packages libprotobuf-dev protobuf-compiler")
endif()

if(SSEGW_TESTS)
  find_package(GTest)
  if(NOT GTest_FOUND)
    message(FATAL_ERROR
            "GoogleTest not found: install the Debian packages libgtest-dev libgmock-dev")
  endif()
endif()

find_package(CLI11 CONFIG)
if(NOT CLI11_FOUND)
  message(FATAL_ERROR "CLI11 not found: install the Debian package libcli11-dev")
endif()

find_package(toml11 CONFIG)
if(NOT toml11_FOUND)
  message(FATAL_ERROR "toml11 not found: install the Debian package libtoml11-dev")
endif()

# Claims of subscriber tokens (gateway/auth), the cluster log (gateway/cluster) and
# --log-format json.
find_package(nlohmann_json 3.10 CONFIG)
if(NOT nlohmann_json_FOUND)
  message(FATAL_ERROR "nlohmann_json not found: install the Debian package nlohmann-json3-dev")
endif()

# sd_notify, so that a systemd unit of Type=notify knows when the gateway is ready.
ssegw_require_pkg(LIBSYSTEMD libsystemd libsystemd-dev)

find_package(Threads REQUIRED)

if(SSEGW_BENCH AND NOT SSEGW_FUZZ AND NOT SSEGW_SANITIZE)
  find_package(benchmark)
  if(NOT benchmark_FOUND)
    message(FATAL_ERROR "Google Benchmark not found: install the Debian package libbenchmark-dev")
  endif()
endif()
