#pragma once

#include "common/Clock.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>

namespace yagura::server {

// Token buckets keyed by a string (peer address, user name), on an injectable clock.
class RateLimiter {
public:
    RateLimiter(const Clock& clock, double burst, double perSecond)
        : m_clock(clock), m_burst(burst), m_perSecond(perSecond) {}

    bool allow(const std::string& key) {
        std::lock_guard lock(m_mutex);
        const double now = static_cast<double>(m_clock.nowUnixMillis()) / 1000.0;
        if (m_buckets.size() > 100'000)
            m_buckets.clear(); // bounded memory under address-spraying floods
        auto [it, inserted] = m_buckets.try_emplace(key, Bucket{m_burst, now});
        Bucket& bucket = it->second;
        bucket.tokens = std::min(m_burst, bucket.tokens + (now - bucket.updated) * m_perSecond);
        bucket.updated = now;
        if (bucket.tokens < 1.0)
            return false;
        bucket.tokens -= 1.0;
        return true;
    }

private:
    struct Bucket {
        double tokens;
        double updated;
    };
    const Clock& m_clock;
    double m_burst;
    double m_perSecond;
    std::mutex m_mutex;
    std::unordered_map<std::string, Bucket> m_buckets;
};

} // namespace yagura::server
