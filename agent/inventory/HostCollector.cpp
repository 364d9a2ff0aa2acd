#include "inventory/HostCollector.h"

#include "common/Text.h"
#include "inventory/CollectorSupport.h"

#include <array>
#include <cerrno>
#include <set>
#include <sys/utsname.h>
#include <unistd.h>
#include <utility>

namespace yagura::agent::inventory {

namespace {

// os-release values follow shell quoting: "double" (with \" \\ \$ \` escapes), 'single', or bare.
std::string unquoteShellValue(std::string_view value) {
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
        return std::string(value.substr(1, value.size() - 2));
    const bool doubleQuoted = value.size() >= 2 && value.front() == '"' && value.back() == '"';
    if (doubleQuoted)
        value = value.substr(1, value.size() - 2);
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\\' && i + 1 < value.size()) {
            const char next = value[i + 1];
            if (next == '"' || next == '\\' || next == '$' || next == '`' ||
                (!doubleQuoted && next != '\n')) {
                out.push_back(next);
                ++i;
                continue;
            }
        }
        out.push_back(c);
    }
    return out;
}

std::filesystem::path fallbackOsReleasePath(const std::filesystem::path& etcRoot) {
    std::filesystem::path etc = etcRoot;
    if (!etc.has_filename() && etc.has_parent_path())
        etc = etc.parent_path(); // "/etc/" -> "/etc"
    return etc.parent_path() / "usr" / "lib" / "os-release";
}

void collectHostname(proto::HostInfo& host, const struct utsname* uts,
                     proto::Inventory& inventory) {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) == 0) {
        host.set_hostname(name.data());
        return;
    }
    const int err = errno;
    if (uts != nullptr) {
        host.set_hostname(uts->nodename);
        return;
    }
    addIssue(inventory, kSectionHost, "hostname unknown: " + errnoText(err));
}

void collectMachineId(const InventorySources& sources, proto::HostInfo& host,
                      proto::Inventory& inventory) {
    auto machineId = readFirstLine(sources.etcRoot / "machine-id");
    if (!machineId.ok()) {
        addIssue(inventory, kSectionHost, "machine-id unknown: " + machineId.error().message);
        return;
    }
    if (machineId.value().empty() || machineId.value() == "uninitialized") {
        addIssue(inventory, kSectionHost,
                 "machine-id unknown: " + (sources.etcRoot / "machine-id").string() +
                     " is not initialised");
        return;
    }
    host.set_machine_id(machineId.value());
}

void collectOsRelease(const InventorySources& sources, proto::OsInfo& os,
                      proto::Inventory& inventory) {
    auto content = readTextFile(sources.etcRoot / "os-release", std::size_t{1} << 20);
    if (!content.ok()) {
        auto fallback = readTextFile(fallbackOsReleasePath(sources.etcRoot), std::size_t{1} << 20);
        if (!fallback.ok()) {
            addIssue(inventory, kSectionHost,
                     "operating system unknown: " + content.error().message);
            return;
        }
        content = std::move(fallback);
    }
    const auto fields = parseOsRelease(content.value());
    auto field = [&fields](std::string_view key) -> std::string {
        const auto it = fields.find(key);
        return it == fields.end() ? std::string() : it->second;
    };
    os.set_id(field("ID"));
    os.set_version_id(field("VERSION_ID"));
    std::string pretty = field("PRETTY_NAME");
    if (pretty.empty())
        pretty = field("NAME"); // os-release(5): PRETTY_NAME defaults to "Linux"; NAME is better
    os.set_pretty_name(pretty);
}

void collectCpu(const InventorySources& sources, proto::HardwareInfo& hardware,
                proto::Inventory& inventory) {
    auto cpuinfo = readTextFile(sources.procRoot / "cpuinfo");
    if (!cpuinfo.ok()) {
        addIssue(inventory, kSectionHost, "CPU unknown: " + cpuinfo.error().message);
        return;
    }
    const CpuSummary cpu = parseCpuInfo(cpuinfo.value());
    hardware.set_cpu_model(cpu.model);
    hardware.set_cpu_logical_cores(cpu.logicalCores);
    hardware.set_cpu_physical_cores(cpu.physicalCores);
    if (cpu.logicalCores == 0)
        addIssue(inventory, kSectionHost,
                 "CPU count unknown: no processor entries in " +
                     (sources.procRoot / "cpuinfo").string());
}

void collectMemory(const InventorySources& sources, proto::HardwareInfo& hardware,
                   proto::Inventory& inventory) {
    auto meminfo = readTextFile(sources.procRoot / "meminfo");
    if (!meminfo.ok()) {
        addIssue(inventory, kSectionHost, "memory size unknown: " + meminfo.error().message);
        return;
    }
    const auto total = parseMemTotalBytes(meminfo.value());
    if (!total) {
        addIssue(inventory, kSectionHost,
                 "memory size unknown: no MemTotal in " + (sources.procRoot / "meminfo").string());
        return;
    }
    hardware.set_memory_total_bytes(*total);
}

void collectBootTime(const InventorySources& sources, proto::HostInfo& host,
                     proto::Inventory& inventory) {
    auto stat = readTextFile(sources.procRoot / "stat");
    if (!stat.ok()) {
        addIssue(inventory, kSectionHost, "boot time unknown: " + stat.error().message);
        return;
    }
    const auto bootTime = parseBootTime(stat.value());
    if (!bootTime) {
        addIssue(inventory, kSectionHost,
                 "boot time unknown: no btime in " + (sources.procRoot / "stat").string());
        return;
    }
    host.set_boot_time_unix(*bootTime);
}

} // namespace

std::map<std::string, std::string, std::less<>> parseOsRelease(std::string_view text) {
    std::map<std::string, std::string, std::less<>> fields;
    for (const std::string_view rawLine : splitLines(text)) {
        const std::string_view line = text::trim(rawLine);
        if (line.empty() || line.front() == '#')
            continue;
        const auto equals = line.find('=');
        if (equals == std::string_view::npos || equals == 0)
            continue;
        const std::string_view key = text::trim(line.substr(0, equals));
        const std::string_view value = text::trim(line.substr(equals + 1));
        fields[std::string(key)] = unquoteShellValue(value);
    }
    return fields;
}

CpuSummary parseCpuInfo(std::string_view text) {
    CpuSummary summary;
    // Model keys by architecture: x86 "model name", old ARM "Processor", MIPS "cpu model",
    // POWER "cpu". The first one found in this order wins.
    static constexpr std::array<std::string_view, 4> kModelKeys = {"model name", "Processor",
                                                                   "cpu model", "cpu"};
    std::array<std::string, kModelKeys.size()> models;
    std::set<std::pair<std::string, std::string>> cores;
    std::string physicalId;
    std::string coreId;
    bool inProcessor = false;
    auto finishProcessor = [&] {
        if (inProcessor && !physicalId.empty() && !coreId.empty())
            cores.emplace(physicalId, coreId);
        physicalId.clear();
        coreId.clear();
        inProcessor = false;
    };
    for (const std::string_view line : splitLines(text)) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            if (text::trim(line).empty())
                finishProcessor();
            continue;
        }
        const std::string_view key = text::trim(line.substr(0, colon));
        const std::string_view value = text::trim(line.substr(colon + 1));
        if (key == "processor") {
            finishProcessor();
            inProcessor = true;
            ++summary.logicalCores;
        } else if (key == "physical id") {
            physicalId = std::string(value);
        } else if (key == "core id") {
            coreId = std::string(value);
        } else {
            for (std::size_t i = 0; i < kModelKeys.size(); ++i)
                if (key == kModelKeys[i] && models[i].empty())
                    models[i] = std::string(value);
        }
    }
    finishProcessor();
    for (const std::string& model : models)
        if (!model.empty()) {
            summary.model = model;
            break;
        }
    summary.physicalCores =
        cores.empty() ? summary.logicalCores : static_cast<std::uint32_t>(cores.size());
    return summary;
}

std::optional<std::uint64_t> parseMemTotalBytes(std::string_view meminfo) {
    for (const std::string_view line : splitLines(meminfo)) {
        if (!text::startsWith(line, "MemTotal:"))
            continue;
        const auto fields = splitWhitespace(line.substr(9));
        if (fields.empty())
            return std::nullopt;
        const auto value = parseUnsigned(fields[0]);
        if (!value)
            return std::nullopt;
        if (fields.size() >= 2 && (fields[1] == "kB" || fields[1] == "KB"))
            return *value * 1024;
        return *value;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parseBootTime(std::string_view stat) {
    for (const std::string_view line : splitLines(stat)) {
        const auto fields = splitWhitespace(line);
        if (fields.size() >= 2 && fields[0] == "btime")
            return parseUnsigned(fields[1]);
    }
    return std::nullopt;
}

void collectHost(const InventorySources& sources, proto::Inventory& inventory) {
    proto::HostInfo& host = *inventory.mutable_host();
    struct utsname uts {};
    const bool haveUts = ::uname(&uts) == 0;
    const int unameErr = errno;

    collectHostname(host, haveUts ? &uts : nullptr, inventory);
    collectMachineId(sources, host, inventory);

    proto::OsInfo& os = *host.mutable_os();
    collectOsRelease(sources, os, inventory);
    if (haveUts) {
        os.set_kernel_release(uts.release);
        os.set_kernel_version(uts.version);
        os.set_architecture(uts.machine);
    } else {
        addIssue(inventory, kSectionHost, "kernel unknown: uname: " + errnoText(unameErr));
    }

    proto::HardwareInfo& hardware = *host.mutable_hardware();
    collectCpu(sources, hardware, inventory);
    collectMemory(sources, hardware, inventory);
    collectBootTime(sources, host, inventory);
}

} // namespace yagura::agent::inventory
