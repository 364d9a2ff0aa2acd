#include "response/CommandExecutor.h"

#include "common/Files.h"
#include "common/Log.h"
#include "common/Text.h"
#include "proto/Envelope.h"
#include "response/Collect.h"
#include "response/ProcessKiller.h"

#include <nlohmann/json.hpp>

namespace yagura::agent {

namespace {
using json = nlohmann::json;

// Reported and finished records beyond this many are forgotten, oldest first.
constexpr std::size_t kKeptRecords = 500;

void addField(proto::TelemetryEvent& event, const std::string& name, std::string value) {
    auto* field = event.add_fields();
    field->set_name(name);
    field->set_value(std::move(value));
}

bool isFinal(proto::CommandPhase phase) {
    return phase == proto::SUCCEEDED || phase == proto::FAILED;
}

std::string actionName(proto::CommandAction action) {
    return proto::CommandAction_Name(action);
}
} // namespace

CommandExecutor::CommandExecutor(std::filesystem::path stateFile, Isolation& isolation,
                                 Quarantine& quarantine, std::vector<std::string> ownEndpoints,
                                 const Clock& clock)
    : m_stateFile(std::move(stateFile)), m_isolation(isolation), m_quarantine(quarantine),
      m_ownEndpoints(std::move(ownEndpoints)), m_clock(clock) {}

Status CommandExecutor::load() {
    if (!std::filesystem::exists(m_stateFile))
        return success();
    YAGURA_ASSIGN_OR_RETURN(const std::string text, files::readFile(m_stateFile, 16 << 20));
    const json value = json::parse(text, nullptr, false);
    if (value.is_discarded() || !value.is_array())
        return makeError(ErrorCode::Corrupt,
                         m_stateFile.string() + " is not the agent's command record");
    try {
        for (const auto& entry : value) {
            Record record;
            record.id = entry.at("id").get<std::uint64_t>();
            record.action = static_cast<proto::CommandAction>(entry.at("action").get<int>());
            record.phase = static_cast<proto::CommandPhase>(entry.at("phase").get<int>());
            record.detail = entry.value("detail", "");
            record.updatedMs = entry.value("updated_ms", std::int64_t{0});
            record.reported = entry.value("reported", false);
            record.confirmByMs = entry.value("confirm_by_ms", std::int64_t{0});
            record.appliedAtMs = entry.value("applied_at_ms", std::int64_t{0});
            record.killedPids = entry.value("killed_pids", std::vector<std::uint32_t>{});
            record.quarantineItem = text::fromHex(entry.value("quarantine_item", "")).valueOr("");
            record.outputType = entry.value("output_type", "");
            m_records[record.id] = std::move(record);
        }
    } catch (const json::exception& error) {
        return makeError(ErrorCode::Corrupt, m_stateFile.string() + ": " + error.what());
    }
    // A command stored as received but never finished was running when the agent stopped: it
    // is not run again (it may have taken effect); the server hears what is known.
    bool interrupted = false;
    for (auto& [id, record] : m_records)
        if (record.phase == proto::RECEIVED) {
            record.phase = proto::FAILED;
            record.detail = "interrupted: the agent stopped while it ran (it may have taken "
                            "effect); not run again";
            record.reported = false;
            interrupted = true;
        }
    if (interrupted)
        save();
    return success();
}

void CommandExecutor::save() {
    // Forget the oldest settled commands first; never one the server has not heard the end of.
    while (m_records.size() > kKeptRecords) {
        auto oldest = std::find_if(m_records.begin(), m_records.end(), [](const auto& entry) {
            return entry.second.reported && isFinal(entry.second.phase);
        });
        if (oldest == m_records.end())
            break;
        std::error_code ec;
        std::filesystem::remove(outputPath(oldest->first), ec);
        m_records.erase(oldest);
    }
    json value = json::array();
    for (const auto& [id, record] : m_records)
        value.push_back({{"id", record.id},
                         {"action", static_cast<int>(record.action)},
                         {"phase", static_cast<int>(record.phase)},
                         {"detail", record.detail},
                         {"updated_ms", record.updatedMs},
                         {"reported", record.reported},
                         {"confirm_by_ms", record.confirmByMs},
                         {"applied_at_ms", record.appliedAtMs},
                         {"killed_pids", record.killedPids},
                         {"quarantine_item", text::toHex(record.quarantineItem)},
                         {"output_type", record.outputType}});
    if (auto saved = files::writeFileAtomic(m_stateFile, value.dump(), 0600); !saved.ok())
        spdlog::error("commands: cannot record their state: {}", saved.error().message);
}

std::filesystem::path CommandExecutor::outputPath(std::uint64_t id) const {
    return m_stateFile.parent_path() / "commands-output" / (std::to_string(id) + ".out");
}

void CommandExecutor::update(Record& record, proto::CommandPhase phase, std::string detail) {
    record.phase = phase;
    record.detail = std::move(detail);
    record.updatedMs = m_clock.nowUnixMillis();
    record.reported = false;
    save();
}

void CommandExecutor::commandReceived(const proto::Command& command) {
    if (command.id() == 0)
        return;
    if (auto known = m_records.find(command.id()); known != m_records.end()) {
        // Sent again (the server did not hear back, or reconnected): never run twice; tell it
        // again where the command stands.
        known->second.reported = false;
        save();
        return;
    }
    Record& record = m_records[command.id()];
    record.id = command.id();
    record.action = command.action();
    spdlog::info("command {} ({}) from {}: {}", command.id(), actionName(command.action()),
                 command.requested_by(), command.reason());
    if (command.expires_at_unix() != 0 &&
        static_cast<std::int64_t>(command.expires_at_unix()) < m_clock.nowUnixSeconds()) {
        update(record, proto::FAILED, "expired before it reached the agent; not run");
        return;
    }
    // On disk before it runs: after a crash in the middle it is reported, not run again.
    update(record, proto::RECEIVED, "");
    run(record, command);
}

void CommandExecutor::run(Record& record, const proto::Command& command) {
    switch (command.action()) {
    case proto::ISOLATE: {
        const std::int64_t now = m_clock.nowUnixMillis();
        if (auto applied =
                m_isolation.apply(command.isolation(), m_ownEndpoints, command.id(), now);
            !applied.ok()) {
            update(record, proto::FAILED, "not isolated: " + applied.error().message);
            return;
        }
        record.appliedAtMs = now;
        const auto& spec = command.isolation();
        if (!spec.safe_apply()) {
            update(record, proto::SUCCEEDED, "isolation in force (safe apply off)");
            return;
        }
        record.confirmByMs =
            now + 1000LL * (spec.safe_apply_seconds() ? spec.safe_apply_seconds() : 30);
        update(record, proto::APPLIED,
               "isolation in force; confirming that the site server still answers");
        return;
    }
    case proto::RELEASE: {
        const bool was = m_isolation.active();
        if (auto released = m_isolation.release(); !released.ok()) {
            update(record, proto::FAILED, "not released: " + released.error().message);
            return;
        }
        // An isolation still waiting for its confirmation is settled by the release.
        for (auto& [id, other] : m_records)
            if (other.phase == proto::APPLIED && other.confirmByMs != 0) {
                other.confirmByMs = 0;
                update(other, proto::FAILED, "released before it was confirmed");
            }
        update(record, proto::SUCCEEDED,
               was ? "isolation released: the isolation table was removed"
                   : "this host was not isolated; nothing to release");
        return;
    }
    case proto::KILL: {
        const auto& kill = command.kill();
        auto killed = killProcess(static_cast<pid_t>(kill.pid()), kill.start_ticks(), kill.tree());
        if (!killed.ok()) {
            update(record, proto::FAILED, killed.error().message);
            return;
        }
        record.killedPids.assign(killed->begin(), killed->end());
        update(
            record, proto::SUCCEEDED,
            "killed " + std::to_string(killed->size()) + " process(es): " + [&] {
                std::string list;
                for (pid_t pid : *killed)
                    list += (list.empty() ? "" : ", ") + std::to_string(pid);
                return list;
            }());
        return;
    }
    case proto::QUARANTINE: {
        auto item = m_quarantine.quarantine(command.quarantine().path(), command.reason(),
                                            command.id(), m_clock.nowUnixSeconds());
        if (!item.ok()) {
            update(record, proto::FAILED, item.error().message);
            return;
        }
        record.quarantineItem = item->SerializeAsString();
        update(record, proto::SUCCEEDED,
               "quarantined " + item->path() + " as " + item->id() + " (SHA-256 " + item->sha256() +
                   ", " + std::to_string(item->size()) + " bytes)");
        return;
    }
    case proto::RESTORE: {
        auto item = m_quarantine.restore(command.restore().quarantine_id());
        if (!item.ok()) {
            update(record, proto::FAILED, item.error().message);
            return;
        }
        record.quarantineItem = item->SerializeAsString();
        update(record, proto::SUCCEEDED,
               "restored " + item->path() + " (SHA-256 " + item->sha256() + ")");
        return;
    }
    case proto::COLLECT: {
        auto collected = collect(command.collect());
        if (!collected.ok()) {
            update(record, proto::FAILED, collected.error().message);
            return;
        }
        std::error_code ec;
        std::filesystem::create_directories(outputPath(record.id).parent_path(), ec);
        if (auto saved = files::writeFileAtomic(outputPath(record.id), collected->output, 0600);
            !saved.ok()) {
            update(record, proto::FAILED, "collected, but not kept: " + saved.error().message);
            return;
        }
        record.outputType = collected->type;
        update(record, proto::SUCCEEDED, "collected " + collected->summary);
        return;
    }
    default:
        update(record, proto::FAILED,
               actionName(command.action()) + " is not supported by this agent version");
        return;
    }
}

Status CommandExecutor::isolateAutomatically(proto::IsolationSpec spec) {
    spec.set_safe_apply(false);
    return m_isolation.apply(spec, m_ownEndpoints, 0, m_clock.nowUnixMillis());
}

std::optional<proto::CommandResult> CommandExecutor::nextCommandReport() {
    const Record* next = nullptr;
    for (const auto& [id, record] : m_records)
        if (!record.reported && (!next || record.updatedMs < next->updatedMs))
            next = &record;
    if (!next)
        return std::nullopt;
    proto::CommandResult report;
    report.set_id(next->id);
    report.set_phase(next->phase);
    report.set_detail(next->detail);
    report.set_at_unix_ms(static_cast<std::uint64_t>(next->updatedMs));
    for (auto pid : next->killedPids)
        report.add_killed_pids(pid);
    if (!next->quarantineItem.empty())
        (void)report.mutable_quarantine()->ParseFromString(next->quarantineItem);
    if (!next->outputType.empty() && next->phase == proto::SUCCEEDED) {
        auto output = files::readFile(outputPath(next->id), kMaxCollectedFileBytes + 1);
        if (output.ok()) {
            report.set_output(std::move(*output));
            report.set_output_type(next->outputType);
        } else {
            report.set_detail(next->detail + " (the output was lost: " + output.error().message +
                              ")");
        }
    }
    return report;
}

void CommandExecutor::commandReportAcknowledged(const proto::CommandResult& report) {
    auto it = m_records.find(report.id());
    if (it == m_records.end() || it->second.phase != report.phase())
        return; // moved on since: the newer phase is reported next
    Record& record = it->second;
    if (record.phase == proto::APPLIED && record.confirmByMs != 0) {
        // The server answered after the isolation was in force: it stays.
        const std::int64_t now = m_clock.nowUnixMillis();
        record.confirmByMs = 0;
        update(record, proto::SUCCEEDED,
               "isolation in force; the site server answered " +
                   std::to_string(now - record.appliedAtMs) + " ms after it was applied");
        return;
    }
    record.reported = true;
    if (!record.outputType.empty() && isFinal(record.phase)) {
        // The server has the output now.
        std::error_code ec;
        std::filesystem::remove(outputPath(record.id), ec);
    }
    save();
}

std::vector<proto::TelemetryEvent> CommandExecutor::tick() {
    std::vector<proto::TelemetryEvent> alerts;
    const std::int64_t now = m_clock.nowUnixMillis();
    for (auto& [id, record] : m_records) {
        if (record.phase != proto::APPLIED || record.confirmByMs == 0 || now < record.confirmByMs)
            continue;
        // Safe apply: the server never answered after the isolation went in force.
        const std::int64_t waited = (record.confirmByMs - record.appliedAtMs) / 1000;
        record.confirmByMs = 0;
        std::string detail = "rolled back: the site server did not answer within " +
                             std::to_string(waited) + " s of isolating";
        // Only this command's isolation is undone: one it replaced comes back.
        if (auto undone = m_isolation.rollback(id); !undone.ok())
            detail += "; the rollback failed: " + undone.error().message;
        spdlog::error("command {}: {}", id, detail);
        update(record, proto::FAILED, detail);
    }
    const auto& state = m_isolation.state();
    if (state && now >= m_nextCheckMs) {
        m_nextCheckMs =
            now + 1000LL * (state->spec().check_seconds() ? state->spec().check_seconds() : 10);
        auto found = m_isolation.verifyAndRepair();
        if (!found.ok()) {
            spdlog::error("isolation check: {}", found.error().message);
        } else if (!found->empty()) {
            proto::TelemetryEvent alert;
            alert.set_time_unix_ms(static_cast<std::uint64_t>(now));
            alert.set_category("alert");
            alert.set_rank(proto::RANK_ALERT);
            addField(alert, "RuleId", std::string(kIsolationTamperRuleId));
            addField(alert, "RuleTitle", "Host isolation was altered and has been restored");
            addField(alert, "RuleLevel", "high");
            addField(alert, "RuleTags", "attack.defense_evasion,attack.t1562.004");
            addField(alert, "EventCategory", "isolation");
            addField(alert, "Image", "yagura-agent:isolation");
            addField(alert, "Detail", *found + "; restored");
            addField(alert, "CommandId", std::to_string(state->command_id()));
            alerts.push_back(std::move(alert));
        }
    }
    return alerts;
}

} // namespace yagura::agent
