#pragma once

#include "collectors/ProcessCollector.h"
#include "detection/AgentDetector.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace yagura::agent {

// Process events on their own thread. With the kernel tracer every exec arrives complete; with the
// proc connector (fallback) a process that lives for a millisecond must be read from /proc before
// it exits, so the reader never waits behind network work. Each exec is enriched,
// run through the detector, and queued as telemetry (and alerts) for the spool.
class ProcessPipeline {
public:
    explicit ProcessPipeline(const AgentDetector& detector) : m_detector(detector) {}
    ~ProcessPipeline() { stop(); }
    ProcessPipeline(const ProcessPipeline&) = delete;
    ProcessPipeline& operator=(const ProcessPipeline&) = delete;

    // Opens the proc connector (root only) and starts the thread.
    Status start();
    void stop();
    // Takes what has been queued since the last call.
    std::vector<proto::TelemetryEvent> drain();
    std::uint64_t lostMessages() const { return m_lost.load(); }

private:
    void loop();

    const AgentDetector& m_detector;
    ProcessCollector m_collector;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<std::uint64_t> m_lost{0};
    std::mutex m_mutex;
    std::vector<proto::TelemetryEvent> m_queue;
};

} // namespace yagura::agent
