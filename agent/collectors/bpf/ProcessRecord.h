// The record the kernel-side process tracer (process.bpf.c) writes to its ring buffer, one per
// exec, fork and exit. Shared by the BPF program and the agent: plain C, fixed-width fields.
#pragma once

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define YAGURA_RECORD_EXEC 1
#define YAGURA_RECORD_FORK 2
#define YAGURA_RECORD_EXIT 3

// Flags: the kernel could not give the whole value (too long or unreadable); user space reads
// it from /proc when the process is still there.
#define YAGURA_ARGV_INCOMPLETE 0x1
#define YAGURA_CWD_INCOMPLETE 0x2

// Limits of what one exec record carries. The data area is twice the largest offset so that
// every masked write the verifier checks stays inside it.
#define YAGURA_PATH_MAX 512
#define YAGURA_ARGV_MAX 4096
#define YAGURA_CWD_COMPONENT_MAX 256
#define YAGURA_CWD_DEPTH 24
#define YAGURA_DATA_MASK 8191
#define YAGURA_DATA_SIZE 16384

struct yagura_process_record {
    __u32 kind;
    __u32 pid;        // the process (thread group) id user space sees
    __u32 parent_pid; // exec, fork: the parent's process id
    __u32 uid;        // exec: real uid
    __u32 exit_code;  // exit: the wait status
    __u32 flags;
    __u64 time_boot_ns;  // CLOCK_BOOTTIME when the event happened
    __u64 start_boot_ns; // CLOCK_BOOTTIME when the process started (its identity with the pid)
    // exec: the executable actually run (the interpreter for a script)
    __u64 device;
    __u64 inode;
    __u64 size;
    __s64 mtime_ns;
    // exec: lengths within data, in this order: path (NUL-terminated), argv (NUL-separated),
    // working directory components from the leaf up (each NUL-terminated)
    __u16 path_length;
    __u16 argv_length;
    __u16 cwd_length;
    __u16 reserved;
    char data[YAGURA_DATA_SIZE];
};

#define YAGURA_RECORD_HEADER_SIZE (sizeof(struct yagura_process_record) - YAGURA_DATA_SIZE)
