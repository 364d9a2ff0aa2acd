#include "detection/ProcessPipeline.h"

#include "common/Log.h"

#include <chrono>
#include <sys/resource.h>
#include <unistd.h>

namespace yagura::agent {

namespace {
std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
} // namespace

Status ProcessPipeline::start() {
    YAGURA_TRY(m_collector.start());
    spdlog::info("process events from the {}", ProcessCollector::sourceName(m_collector.source()));
    m_stop = false;
    m_thread = std::thread([this] { loop(); });
    return success();
}

void ProcessPipeline::stop() {
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

std::vector<proto::TelemetryEvent> ProcessPipeline::drain() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_queue, {});
}

void ProcessPipeline::loop() {
    // A process that lives a millisecond must be read before it exits: this thread sleeps
    // almost always, so a higher priority costs the host nothing and wins the race more often.
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), -10) != 0)
        spdlog::debug("process events: cannot raise the reader's priority");
    std::int64_t lastPrune = nowUnixMs();
    while (!m_stop) {
        // The proc connector wakes this thread per message, the kernel tracer at most every
        // 20 ms during a storm; forks and exits that did not wake it are taken by this timeout.
        auto started = m_collector.poll(std::chrono::milliseconds{100});
        if (!started.ok()) {
            spdlog::error("{}", started.error().message);
            std::this_thread::sleep_for(std::chrono::seconds{1}); // do not spin on a broken socket
            continue;
        }
        if (m_collector.lostMessages() != m_lost)
            spdlog::warn("process events: the kernel dropped messages {} time(s) (reader too slow)",
                         m_collector.lostMessages() - m_lost);
        m_lost = m_collector.lostMessages();
        if (!started->empty()) {
            std::vector<proto::TelemetryEvent> events;
            events.reserve(started->size());
            const std::int64_t now = nowUnixMs();
            for (const auto& info : *started) {
                // Alerts first: they outrank telemetry if the spool must drop anything.
                for (auto& alert : m_detector.evaluate(info, m_collector, now))
                    events.push_back(std::move(alert));
                events.push_back(processCreationEvent(info));
            }
            std::lock_guard lock(m_mutex);
            for (auto& event : events)
                m_queue.push_back(std::move(event));
        }
        if (nowUnixMs() - lastPrune > 10'000) {
            lastPrune = nowUnixMs();
            m_collector.prune(lastPrune, std::chrono::minutes{10});
        }
    }
}

} // namespace yagura::agent
