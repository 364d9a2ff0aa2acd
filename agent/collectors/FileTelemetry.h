#pragma once

#include "collectors/FileMonitor.h"
#include "proto/agent.pb.h"

#include <string_view>

namespace yagura::agent {

// The ransomware heuristic's alerts look like a Sigma rule's (AgentDetector): a fixed rule id,
// so the server groups them per process image and operators can triage and except them.
// The id is "yagura-ransomware-heuristic"'s, fixed once and never to be changed.
inline constexpr std::string_view kRansomwareRuleId = "ccbe5f77-4531-4069-8750-872e9bec8055";
inline constexpr std::string_view kRansomwareRuleTitle = "Ransomware-like file activity";
inline constexpr std::string_view kRansomwareRuleLevel = "critical";
inline constexpr std::string_view kRansomwareRuleTags = "attack.impact,attack.t1486";

// The event for a file activity. Integrity events (rank SECURITY) use Sysmon-for-Linux / Sigma
// names: category file_event (created, modified, permissions, owner), file_delete or
// file_rename; fields TargetFilename, Image, ProcessId, User, CommandLine, Action, Sha256Before,
// Sha256After, Hashes, OldFilename and SourceFilename (renames), Mode (octal), OwnerUid,
// OwnerGid, and PreviousMode / PreviousOwnerUid / PreviousOwnerGid for permission and owner
// changes. A ransomware finding becomes an alert event (category alert, rank ALERT) in the
// format of the agent's Sigma alerts: RuleId, RuleTitle, RuleLevel, RuleTags, EventCategory,
// the process fields, and the heuristic's counts and sample paths.
proto::TelemetryEvent fileTelemetry(const FileActivity& activity);

// The monitor's configuration from a policy: fim_paths become the watched paths, the ransomware
// section switches the heuristic and sets its thresholds. proto3 cannot tell an unset number from
// 0, so a threshold of 0 keeps the value of `base` (the defaults). min_files also sets
// minRenamedFiles and minHighEntropyFiles (half of it) and suspicionFiles (a quarter).
FileMonitorConfig fileMonitorConfig(const proto::PolicySpec& spec, FileMonitorConfig base = {});

} // namespace yagura::agent
