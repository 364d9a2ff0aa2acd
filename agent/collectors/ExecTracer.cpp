#include "collectors/ExecTracer.h"

#include "common/Log.h"

#include <cerrno>
#include <cstring>
#include <string>

#ifdef YAGURA_HAVE_BPF
#include "bpf/ProcessRecord.h"
#include "process.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#endif

namespace yagura::agent {

#ifdef YAGURA_HAVE_BPF

namespace {
// libbpf explains a refused program at length; keep it for debugging, not the operator's log.
int forwardLibbpfLog(enum libbpf_print_level level, const char* format, va_list arguments) {
    if (level == LIBBPF_DEBUG)
        return 0;
    char line[1024];
    const int length = std::vsnprintf(line, sizeof line, format, arguments);
    std::string_view text(line, length > 0 ? std::min<std::size_t>(length, sizeof line - 1) : 0);
    while (!text.empty() && text.back() == '\n')
        text.remove_suffix(1);
    spdlog::debug("libbpf: {}", text);
    return 0;
}

// Components from the leaf up ("b\0a\0" for /a/b) into an absolute path.
std::string joinFromLeaf(std::string_view components) {
    std::vector<std::string_view> parts;
    while (!components.empty()) {
        const std::size_t end = components.find('\0');
        parts.push_back(components.substr(0, end));
        if (end == std::string_view::npos)
            break;
        components.remove_prefix(end + 1);
    }
    std::string path;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
        if (!it->empty())
            path.append("/").append(*it);
    return path.empty() ? "/" : path;
}

std::string_view cString(std::string_view bytes) {
    return bytes.substr(0, bytes.find('\0'));
}
} // namespace

bool ExecTracer::built() {
    return true;
}

ExecTracer::~ExecTracer() {
    if (m_ring)
        ring_buffer__free(m_ring);
    if (m_program)
        yagura_process_bpf__destroy(m_program);
}

Status ExecTracer::open() {
    libbpf_set_print(forwardLibbpfLog);
    if (::access("/sys/kernel/btf/vmlinux", R_OK) != 0)
        return makeError(ErrorCode::Unavailable,
                         "kernel process tracer: this kernel has no BTF (/sys/kernel/btf/vmlinux)");
    m_program = yagura_process_bpf__open();
    if (!m_program)
        return makeError(ErrorCode::Unavailable,
                         std::string("kernel process tracer: cannot open the BPF program: ") +
                             std::strerror(errno));
    if (const int error = yagura_process_bpf__load(m_program); error != 0) {
        const bool denied = error == -EPERM || error == -EACCES;
        return makeError(
            denied ? ErrorCode::PermissionDenied : ErrorCode::Unavailable,
            std::string("kernel process tracer: the kernel refused the BPF program (") +
                std::strerror(-error) + ")" +
                (denied ? "; it needs root (CAP_BPF, CAP_PERFMON)" : ""));
    }
    if (const int error = yagura_process_bpf__attach(m_program); error != 0)
        return makeError(ErrorCode::Unavailable,
                         std::string("kernel process tracer: cannot attach to the scheduler's "
                                     "process tracepoints (") +
                             std::strerror(-error) + ")");
    m_ring = ring_buffer__new(bpf_map__fd(m_program->maps.records), &ExecTracer::onRecord, this,
                              nullptr);
    if (!m_ring)
        return makeError(ErrorCode::Unavailable,
                         std::string("kernel process tracer: cannot map the ring buffer: ") +
                             std::strerror(errno));
    return success();
}

std::uint64_t ExecTracer::droppedTotal() const {
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0)
        return 0;
    std::vector<std::uint64_t> perCpu(static_cast<std::size_t>(cpus));
    const std::uint32_t zero = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(m_program->maps.dropped), &zero, perCpu.data()) != 0)
        return 0;
    std::uint64_t total = 0;
    for (const auto count : perCpu)
        total += count;
    return total;
}

int ExecTracer::onRecord(void* context, void* data, std::size_t size) {
    auto* self = static_cast<ExecTracer*>(context);
    if (size < YAGURA_RECORD_HEADER_SIZE) {
        ++self->m_malformed;
        return 0;
    }
    yagura_process_record header;
    std::memcpy(&header, data, YAGURA_RECORD_HEADER_SIZE);
    const std::string_view payload(static_cast<const char*>(data) + YAGURA_RECORD_HEADER_SIZE,
                                   size - YAGURA_RECORD_HEADER_SIZE);
    KernelProcessEvent event;
    event.pid = static_cast<pid_t>(header.pid);
    event.tgid = static_cast<pid_t>(header.pid);
    event.parentPid = static_cast<pid_t>(header.parent_pid);
    event.bootTimeNs = header.time_boot_ns;
    event.startBootTimeNs = header.start_boot_ns;
    switch (header.kind) {
    case YAGURA_RECORD_FORK:
        event.kind = KernelProcessEvent::Kind::Fork;
        break;
    case YAGURA_RECORD_EXIT:
        event.kind = KernelProcessEvent::Kind::Exit;
        event.exitCode = static_cast<int>(header.exit_code);
        break;
    case YAGURA_RECORD_EXEC: {
        event.kind = KernelProcessEvent::Kind::Exec;
        const std::size_t lengths =
            std::size_t{header.path_length} + header.argv_length + header.cwd_length;
        if (lengths > payload.size()) {
            // Never expected: keep the exec, without details (read from /proc if still there).
            ++self->m_malformed;
            break;
        }
        ExecDetails& details = event.exec.emplace();
        details.path = cString(payload.substr(0, header.path_length));
        details.arguments = payload.substr(header.path_length, header.argv_length);
        details.workingDirectory = joinFromLeaf(
            payload.substr(header.path_length + header.argv_length, header.cwd_length));
        details.uid = header.uid;
        // The kernel's dev_t (major << 20 | minor) in the encoding stat() reports.
        details.device = makedev(static_cast<unsigned>(header.device >> 20),
                                 static_cast<unsigned>(header.device & 0xfffff));
        details.inode = header.inode;
        details.size = header.size;
        details.modificationNs = header.mtime_ns;
        details.argumentsIncomplete = header.flags & YAGURA_ARGV_INCOMPLETE;
        details.workingDirectoryIncomplete = header.flags & YAGURA_CWD_INCOMPLETE;
        break;
    }
    default:
        ++self->m_malformed;
        return 0;
    }
    self->m_out->push_back(std::move(event));
    return 0;
}

Result<std::uint64_t> ExecTracer::read(std::vector<KernelProcessEvent>& out,
                                       std::chrono::milliseconds timeout) {
    if (!m_ring)
        return makeError(ErrorCode::Unavailable, "kernel process tracer: not open");
    m_out = &out;
    // Records normally arrive without a wake-up (see process.bpf.c): wait out the timeout, then
    // take whatever is there.
    int polled = ring_buffer__poll(m_ring, static_cast<int>(timeout.count()));
    if (polled >= 0 || polled == -EINTR)
        polled = ring_buffer__consume(m_ring);
    m_out = nullptr;
    if (m_malformed != m_malformedReported) {
        spdlog::warn("kernel process tracer: {} record(s) did not have the expected layout",
                     m_malformed - m_malformedReported);
        m_malformedReported = m_malformed;
    }
    if (polled < 0 && polled != -EINTR)
        return makeError(ErrorCode::Io, std::string("kernel process tracer: reading failed: ") +
                                            std::strerror(-polled));
    const std::uint64_t dropped = droppedTotal();
    const std::uint64_t lost = dropped - m_droppedReported;
    m_droppedReported = dropped;
    return lost;
}

#else // built without the BPF program

bool ExecTracer::built() {
    return false;
}
ExecTracer::~ExecTracer() = default;
Status ExecTracer::open() {
    return makeError(ErrorCode::Unavailable,
                     "kernel process tracer: this agent was built without its BPF program");
}
Result<std::uint64_t> ExecTracer::read(std::vector<KernelProcessEvent>&,
                                       std::chrono::milliseconds) {
    return makeError(ErrorCode::Unavailable, "kernel process tracer: not open");
}
int ExecTracer::onRecord(void*, void*, std::size_t) {
    return 0;
}
std::uint64_t ExecTracer::droppedTotal() const {
    return 0;
}

#endif

} // namespace yagura::agent
