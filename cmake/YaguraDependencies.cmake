# Debian 12 packages only; nothing is downloaded at build time (see scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
find_package(Protobuf 3.21 REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(yaml-cpp 0.7 REQUIRED)
find_package(CLI11 CONFIG QUIET)
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq>=4.3)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

# SQLCipher is linked statically: a plain libsqlite3 loaded into the same process (Qt's SQL
# plugin, for one) would otherwise win symbol resolution and silently open stores in plaintext.
find_path(SQLCIPHER_INCLUDE_DIR sqlcipher/sqlite3.h REQUIRED)
find_library(SQLCIPHER_STATIC_LIBRARY NAMES libsqlcipher.a REQUIRED)
add_library(yagura_sqlcipher INTERFACE)
add_library(yagura::sqlcipher ALIAS yagura_sqlcipher)
target_include_directories(yagura_sqlcipher SYSTEM INTERFACE ${SQLCIPHER_INCLUDE_DIR})
target_compile_definitions(yagura_sqlcipher INTERFACE SQLITE_HAS_CODEC SQLITE_TEMP_STORE=2)
target_link_libraries(yagura_sqlcipher INTERFACE ${SQLCIPHER_STATIC_LIBRARY} OpenSSL::Crypto
                      ${CMAKE_DL_LIBS} Threads::Threads m)

if(YAGURA_BUILD_CONSOLE OR BUILD_TESTING)
    find_package(Qt6 6.4 REQUIRED COMPONENTS Core Test)
endif()
