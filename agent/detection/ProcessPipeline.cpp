#include "detection/ProcessPipeline.h"

#include "common/Log.h"

#include <chrono>

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
    std::int64_t lastPrune = nowUnixMs();
    while (!m_stop) {
        auto started = m_collector.poll(std::chrono::milliseconds{100});
        if (!started.ok()) {
            spdlog::error("{}", started.error().message);
            continue;
        }
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
