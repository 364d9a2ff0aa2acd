#pragma once

#include "collectors/ProcessEvents.h"
#include "common/Result.h"

#include <chrono>
#include <cstdint>
#include <vector>

struct yagura_process_bpf;
struct ring_buffer;

namespace yagura::agent {

// Every exec, fork and exit on the host from an eBPF program on the scheduler's process
// tracepoints (agent/collectors/bpf/process.bpf.c). Unlike the proc connector, each exec carries
// its executable, argv, working directory, user and parent, taken in the process's own context:
// a process that exits within a microsecond is reported as completely as a long-lived one, and
// nothing is read from /proc. Needs root (CAP_BPF and CAP_PERFMON) and a kernel with BTF; open()
// says which is missing.
class ExecTracer {
public:
    ExecTracer() = default;
    ~ExecTracer();
    ExecTracer(const ExecTracer&) = delete;
    ExecTracer& operator=(const ExecTracer&) = delete;

    // Whether this build carries the BPF program at all.
    static bool built();

    Status open();
    // Reads the records that arrived within `timeout` (records wait in the ring buffer until
    // then unless a storm fills it faster), appending to `out`. Returns how many records the
    // kernel could not queue since the last call (0 normally).
    Result<std::uint64_t> read(std::vector<KernelProcessEvent>& out,
                               std::chrono::milliseconds timeout);

private:
    static int onRecord(void* context, void* data, std::size_t size);
    std::uint64_t droppedTotal() const;

    yagura_process_bpf* m_program = nullptr;
    ring_buffer* m_ring = nullptr;
    std::vector<KernelProcessEvent>* m_out = nullptr;
    std::uint64_t m_droppedReported = 0;
    std::uint64_t m_malformed = 0;
    std::uint64_t m_malformedReported = 0;
};

} // namespace yagura::agent
