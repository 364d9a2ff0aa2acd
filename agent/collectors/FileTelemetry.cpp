#include "collectors/FileTelemetry.h"

#include <algorithm>
#include <cstdio>

namespace yagura::agent {

namespace {
void addField(proto::TelemetryEvent& event, std::string_view name, const std::string& value) {
    if (value.empty())
        return;
    auto* field = event.add_fields();
    field->set_name(std::string(name));
    field->set_value(value);
}

std::string octal(std::uint32_t mode) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04o", mode);
    return buffer;
}

std::string joinLines(const std::vector<std::string>& lines) {
    std::string joined;
    for (const auto& line : lines)
        joined += (joined.empty() ? "" : "\n") + line;
    return joined;
}

void addProcess(proto::TelemetryEvent& event, const FileActivity& activity) {
    if (activity.pid > 0)
        addField(event, "ProcessId", std::to_string(activity.pid));
    addField(event, "Image", activity.image);
    addField(event, "CommandLine", activity.commandLine);
    addField(event, "User", activity.user);
}

proto::TelemetryEvent ransomwareAlert(const FileActivity& activity) {
    proto::TelemetryEvent alert;
    alert.set_time_unix_ms(static_cast<std::uint64_t>(activity.timeUnixMs));
    alert.set_category("alert");
    alert.set_rank(proto::RANK_ALERT);
    addField(alert, "RuleId", std::string(kRansomwareRuleId));
    addField(alert, "RuleTitle", std::string(kRansomwareRuleTitle));
    addField(alert, "RuleLevel", std::string(kRansomwareRuleLevel));
    addField(alert, "RuleTags", std::string(kRansomwareRuleTags));
    addField(alert, "EventCategory", "file_event");
    addProcess(alert, activity);
    addField(alert, "TargetFilename", activity.path);
    if (!activity.ransomware)
        return alert;
    const RansomwareFinding& finding = *activity.ransomware;
    char entropy[32];
    std::snprintf(entropy, sizeof entropy, "%.2f", finding.maxEntropy);
    addField(alert, "RansomwareTrigger", finding.trigger);
    addField(alert, "DestroyedFiles", std::to_string(finding.destroyedFiles));
    addField(alert, "RewrittenFiles", std::to_string(finding.rewrittenFiles));
    addField(alert, "RenamedFiles", std::to_string(finding.renamedFiles));
    addField(alert, "DeletedAfterCopy", std::to_string(finding.deletedAfterCopy));
    addField(alert, "HighEntropyFiles", std::to_string(finding.highEntropyFiles));
    addField(alert, "SampledFiles", std::to_string(finding.sampledFiles));
    addField(alert, "MaxEntropy", entropy);
    addField(alert, "RansomNotes", std::to_string(finding.ransomNotes));
    addField(alert, "Directories", std::to_string(finding.directories));
    addField(alert, "WindowMs", std::to_string(finding.windowMs));
    addField(alert, "FirstActivityUnixMs", std::to_string(finding.firstActivityUnixMs));
    addField(alert, "SamplePaths", joinLines(finding.samplePaths));
    addField(alert, "NotePaths", joinLines(finding.notePaths));
    return alert;
}
} // namespace

proto::TelemetryEvent fileTelemetry(const FileActivity& activity) {
    if (activity.kind == FileActivityKind::Ransomware)
        return ransomwareAlert(activity);
    proto::TelemetryEvent event;
    event.set_time_unix_ms(static_cast<std::uint64_t>(activity.timeUnixMs));
    event.set_rank(proto::RANK_SECURITY);
    switch (activity.kind) {
    case FileActivityKind::Deleted:
        event.set_category("file_delete");
        break;
    case FileActivityKind::Renamed:
        event.set_category("file_rename");
        break;
    default:
        event.set_category("file_event");
        break;
    }
    addField(event, "TargetFilename", activity.path);
    addProcess(event, activity);
    addField(event, "Action", std::string(fileActivityKindName(activity.kind)));
    if (!activity.oldPath.empty()) {
        addField(event, "OldFilename", activity.oldPath);
        addField(event, "SourceFilename", activity.oldPath); // Sigma's file_rename name
    }
    if (activity.isDirectory)
        addField(event, "IsDirectory", "true");
    addField(event, "Sha256Before", activity.sha256Before);
    addField(event, "Sha256After", activity.sha256After);
    // Sysmon's form, which rules on process hashes already use: the content now, or for a
    // delete the content that is gone.
    const std::string& hash =
        activity.kind == FileActivityKind::Deleted ? activity.sha256Before : activity.sha256After;
    if (!hash.empty())
        addField(event, "Hashes", "SHA256=" + hash);
    if (activity.hasMetadata) {
        addField(event, "Mode", octal(activity.mode));
        addField(event, "OwnerUid", std::to_string(activity.ownerUid));
        addField(event, "OwnerGid", std::to_string(activity.ownerGid));
    }
    if (activity.kind == FileActivityKind::PermissionsChanged ||
        activity.kind == FileActivityKind::OwnerChanged) {
        addField(event, "PreviousMode", octal(activity.previousMode));
        addField(event, "PreviousOwnerUid", std::to_string(activity.previousOwnerUid));
        addField(event, "PreviousOwnerGid", std::to_string(activity.previousOwnerGid));
    }
    return event;
}

FileMonitorConfig fileMonitorConfig(const proto::PolicySpec& spec, FileMonitorConfig base) {
    base.watchedPaths.assign(spec.fim_paths().begin(), spec.fim_paths().end());
    const proto::RansomwarePolicy& ransomware = spec.ransomware();
    base.ransomwareHeuristic = ransomware.enabled();
    RansomwareThresholds& limits = base.ransomware;
    if (ransomware.window_seconds() > 0)
        limits.windowMs = static_cast<std::int64_t>(ransomware.window_seconds()) * 1000;
    if (ransomware.min_files() > 0) {
        // The counts that depend on it keep their default proportions (20 → 10, 10, 5).
        limits.minFiles = ransomware.min_files();
        limits.minRenamedFiles = std::max(1u, limits.minFiles / 2);
        limits.minHighEntropyFiles = std::max(1u, limits.minFiles / 2);
        limits.suspicionFiles = std::max(1u, limits.minFiles / 4);
    }
    // The server validates a spec before storing it, so an enabled heuristic's values are meant
    // as written: 0 ransom notes turns the note trigger off, 0 bits counts any content.
    if (ransomware.enabled()) {
        limits.entropyBitsPerByte = ransomware.entropy_bits_per_byte();
        limits.minNotes = ransomware.ransom_notes();
    }
    return base;
}

} // namespace yagura::agent
