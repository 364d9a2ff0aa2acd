#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace yagura::crypto {

// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);
// Compares in time independent of where the inputs differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

// SHA-256 of data given in pieces (a file read in blocks).
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    void update(std::string_view data);
    // Lower-case hex; the stream is spent afterwards.
    std::string hexDigest();

private:
    evp_md_ctx_st* m_context;
};

} // namespace yagura::crypto
