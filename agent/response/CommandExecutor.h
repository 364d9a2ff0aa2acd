#pragma once

#include "AgentSession.h"
#include "common/Clock.h"
#include "common/Result.h"
#include "proto/agent.pb.h"
#include "response/Isolation.h"
#include "response/Quarantine.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace yagura::agent {

// The alert raised when someone changes or removes the isolation table (it is restored).
inline constexpr std::string_view kIsolationTamperRuleId = "b7e0c1a4-2f5d-4c8e-9a61-0d3f8e2b7c15";

// Runs the server's response commands on this host, each command id at most once: every
// command is written to `commands.json` in the state directory before it runs, and a command
// that arrives again (the server resends until it hears back) is answered with what became of
// it. Results are reported to the server in order until it acknowledges them, across
// reconnections and restarts. An isolation with safe apply stays only if the server answers
// within the command's time after it is in force; otherwise it is rolled back and reported as
// failed.
class CommandExecutor : public CommandChannel {
public:
    // `stateFile` is commands.json in the state directory; collected output waits next to it
    // (commands-output/) until the server has it.
    CommandExecutor(std::filesystem::path stateFile, Isolation& isolation, Quarantine& quarantine,
                    std::vector<std::string> ownEndpoints, const Clock& clock);

    Status load();

    // CommandChannel, called by the session.
    void commandReceived(const proto::Command& command) override;
    std::optional<proto::CommandResult> nextCommandReport() override;
    void commandReportAcknowledged(const proto::CommandResult& report) override;
    bool isolated() const override { return m_isolation.active(); }

    // The automatic response's isolation: in force at once, no safe apply (the server may be
    // unreachable, which is when it matters most), checked like any other.
    Status isolateAutomatically(proto::IsolationSpec spec);

    // Called from the agent's loop: rolls back an isolation whose confirmation is overdue, and
    // every check interval verifies the isolation table (restoring it). Returns the alert events
    // to spool (a restored table raises one).
    std::vector<proto::TelemetryEvent> tick();

    struct Record {
        std::uint64_t id = 0;
        proto::CommandAction action = proto::COMMAND_ACTION_UNSPECIFIED;
        proto::CommandPhase phase = proto::RECEIVED;
        std::string detail;
        std::int64_t updatedMs = 0;
        bool reported = false;
        std::int64_t confirmByMs = 0; // isolation awaiting the server's answer
        std::int64_t appliedAtMs = 0;
        std::vector<std::uint32_t> killedPids;
        std::string quarantineItem; // serialized proto.QuarantineItem (quarantine, restore)
        std::string outputType;     // collect: the output waits in outputPath(id)
    };
    const std::map<std::uint64_t, Record>& records() const { return m_records; }

private:
    void run(Record& record, const proto::Command& command);
    void update(Record& record, proto::CommandPhase phase, std::string detail);
    void save();
    std::filesystem::path outputPath(std::uint64_t id) const;

    std::filesystem::path m_stateFile;
    Isolation& m_isolation;
    Quarantine& m_quarantine;
    std::vector<std::string> m_ownEndpoints;
    const Clock& m_clock;
    std::map<std::uint64_t, Record> m_records;
    std::int64_t m_nextCheckMs = 0;
};

} // namespace yagura::agent
