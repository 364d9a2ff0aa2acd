#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace yagura {

// Wall-clock time source. Expiry, retention, heartbeats and rate limits take a Clock so tests
// move time forward instead of sleeping.
class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;

    std::int64_t nowUnixSeconds() const {
        return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    }
    std::int64_t nowUnixMillis() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch())
            .count();
    }
};

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::now();
    }
    static const SystemClock& instance();
};

// A clock that only moves when told to; thread-safe so a server thread can read it while a test
// thread advances it.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::chrono::system_clock::time_point start =
                             std::chrono::system_clock::time_point{
                                 std::chrono::seconds{1'800'000'000}})
        : m_millis(std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch())
                       .count()) {}

    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::time_point{std::chrono::milliseconds{m_millis.load()}};
    }
    void advance(std::chrono::milliseconds by) { m_millis += by.count(); }

private:
    std::atomic<std::int64_t> m_millis;
};

} // namespace yagura
