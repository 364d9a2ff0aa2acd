// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Yagura's kernel-side process tracer: one record per exec, fork and exit, taken in the context
// of the process itself, so a process that lives for a microsecond is reported with its
// executable, command line, working directory, user and parent all the same. The agent reads
// the records from a ring buffer (ExecTracer.cpp). Compiled with CO-RE: one object runs on every
// kernel with BTF.
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ProcessRecord.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// Wake-ups: an exec record wakes the agent when it has not been woken for `wakeup_interval_ns`,
// any record when `wakeup_bytes` are waiting; otherwise records wait for the next batch (the
// agent also takes them on its own timer). A storm of process starts then costs the agent one
// wake-up per interval, not one per record, and a lone exec is still delivered at once.
const volatile __u64 wakeup_interval_ns = 20000000;
const volatile __u64 wakeup_bytes = 32768;
__u64 last_wakeup_ns = 0;

// 256 KiB: half a second of a 1,000-starts-a-second storm (three records per start, ~150 bytes
// each), while the agent takes them every 20 ms or at `wakeup_bytes`. The agent maps it twice,
// so it counts 512 KiB in its RSS (the idle target is 20 MB).
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} records SEC(".maps");

// A record is assembled here (too large for the BPF stack), then copied into the ring buffer
// with its actual length.
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct yagura_process_record);
} scratch SEC(".maps");

// Records that did not fit in the ring buffer: the agent reports them as lost.
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} dropped SEC(".maps");

// The inode's modification time moved between kernel versions.
struct inode___v66 {
    struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));
struct inode___old {
    struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __s64 modification_time_ns(struct inode* inode) {
    if (bpf_core_field_exists(inode->i_mtime_sec))
        return BPF_CORE_READ(inode, i_mtime_sec) * 1000000000LL +
               BPF_CORE_READ(inode, i_mtime_nsec);
    struct inode___v66* v66 = (void*)inode;
    if (bpf_core_field_exists(v66->__i_mtime))
        return BPF_CORE_READ(v66, __i_mtime.tv_sec) * 1000000000LL +
               BPF_CORE_READ(v66, __i_mtime.tv_nsec);
    struct inode___old* old = (void*)inode;
    return BPF_CORE_READ(old, i_mtime.tv_sec) * 1000000000LL + BPF_CORE_READ(old, i_mtime.tv_nsec);
}

static __always_inline struct yagura_process_record* begin(__u32 kind, struct task_struct* task) {
    __u32 zero = 0;
    struct yagura_process_record* record = bpf_map_lookup_elem(&scratch, &zero);
    if (!record)
        return 0;
    record->kind = kind;
    record->pid = BPF_CORE_READ(task, tgid);
    record->parent_pid = BPF_CORE_READ(task, real_parent, tgid);
    record->uid = BPF_CORE_READ(task, cred, uid.val);
    record->exit_code = 0;
    record->flags = 0;
    record->time_boot_ns = bpf_ktime_get_boot_ns();
    record->start_boot_ns = BPF_CORE_READ(task, start_boottime);
    record->device = 0;
    record->inode = 0;
    record->size = 0;
    record->mtime_ns = 0;
    record->path_length = 0;
    record->argv_length = 0;
    record->cwd_length = 0;
    record->reserved = 0;
    return record;
}

static __always_inline void submit(struct yagura_process_record* record, __u64 data_length,
                                   bool urgent) {
    __u64 flags = BPF_RB_NO_WAKEUP;
    const __u64 now = bpf_ktime_get_ns();
    // Racy across CPUs by design: at worst two wake-ups instead of one.
    if ((urgent && now - last_wakeup_ns >= wakeup_interval_ns) ||
        bpf_ringbuf_query(&records, BPF_RB_AVAIL_DATA) >= wakeup_bytes) {
        flags = BPF_RB_FORCE_WAKEUP;
        last_wakeup_ns = now;
    }
    if (data_length > YAGURA_DATA_MASK)
        data_length = YAGURA_DATA_MASK;
    if (bpf_ringbuf_output(&records, record, YAGURA_RECORD_HEADER_SIZE + data_length, flags) != 0) {
        __u32 zero = 0;
        __u64* count = bpf_map_lookup_elem(&dropped, &zero);
        if (count)
            *count += 1;
    }
}

// The working directory as its components from the leaf up, crossing mount points; user space
// joins them in reverse. Writes at `offset` and sets record->cwd_length.
static __always_inline void put_working_directory(struct yagura_process_record* record,
                                                  struct task_struct* task, __u32 offset) {
    struct dentry* dentry = BPF_CORE_READ(task, fs, pwd.dentry);
    struct vfsmount* vfs_mount = BPF_CORE_READ(task, fs, pwd.mnt);
    struct mount* mount = container_of(vfs_mount, struct mount, mnt);
    // The write position lives in the record, not in a register: read back from memory it is
    // just "some offset below the mask" to the verifier, so the loop's states stay few.
    record->cwd_length = 0;
    int depth;
    for (depth = 0; depth < YAGURA_CWD_DEPTH; ++depth) {
        struct dentry* mount_root = BPF_CORE_READ(vfs_mount, mnt_root);
        if (dentry == mount_root) {
            struct mount* parent_mount = BPF_CORE_READ(mount, mnt_parent);
            if (parent_mount == mount)
                break; // the root of everything
            dentry = BPF_CORE_READ(mount, mnt_mountpoint);
            mount = parent_mount;
            vfs_mount = __builtin_preserve_access_index(&mount->mnt);
            continue;
        }
        struct dentry* parent = BPF_CORE_READ(dentry, d_parent);
        if (dentry == parent)
            break;
        const unsigned char* name = BPF_CORE_READ(dentry, d_name.name);
        const __u32 written_so_far = record->cwd_length;
        if (offset + written_so_far + YAGURA_CWD_COMPONENT_MAX > YAGURA_DATA_MASK)
            break; // the record is full: flagged below, user space reads /proc
        long written =
            bpf_probe_read_kernel_str(&record->data[(offset + written_so_far) & YAGURA_DATA_MASK],
                                      YAGURA_CWD_COMPONENT_MAX, name);
        if (written <= 0)
            break;
        record->cwd_length = written_so_far + written;
        dentry = parent;
    }
    if (depth == YAGURA_CWD_DEPTH ||
        offset + record->cwd_length + YAGURA_CWD_COMPONENT_MAX > YAGURA_DATA_MASK)
        record->flags |= YAGURA_CWD_INCOMPLETE;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct* task, pid_t old_pid, struct linux_binprm* binprm) {
    struct yagura_process_record* record = begin(YAGURA_RECORD_EXEC, task);
    if (!record)
        return 0;

    // The file actually run: for a script, binfmt_script has replaced it with the interpreter.
    struct file* file = BPF_CORE_READ(binprm, file);
    struct inode* inode = BPF_CORE_READ(file, f_inode);
    record->device = BPF_CORE_READ(inode, i_sb, s_dev);
    record->inode = BPF_CORE_READ(inode, i_ino);
    record->size = BPF_CORE_READ(inode, i_size);
    record->mtime_ns = modification_time_ns(inode);

    __u32 offset = 0;
    // binprm->interp is the path of the file run (equal to filename unless a script's
    // interpreter took over).
    const char* path = BPF_CORE_READ(binprm, interp);
    long written = bpf_probe_read_kernel_str(&record->data[0], YAGURA_PATH_MAX, path);
    if (written > 0)
        offset = written;
    record->path_length = offset;

    struct mm_struct* mm = BPF_CORE_READ(task, mm);
    unsigned long argv_start = BPF_CORE_READ(mm, arg_start);
    unsigned long argv_end = BPF_CORE_READ(mm, arg_end);
    __u64 argv_length = argv_end > argv_start ? argv_end - argv_start : 0;
    if (argv_length > YAGURA_ARGV_MAX - 1) {
        argv_length = YAGURA_ARGV_MAX - 1;
        record->flags |= YAGURA_ARGV_INCOMPLETE;
    }
    if (argv_length > 0 && bpf_probe_read_user(&record->data[offset & YAGURA_DATA_MASK],
                                               argv_length, (const void*)argv_start) == 0) {
        record->argv_length = argv_length;
        offset += argv_length;
    } else if (argv_length > 0) {
        record->flags |= YAGURA_ARGV_INCOMPLETE;
    }

    put_working_directory(record, task, offset);
    offset += record->cwd_length;

    submit(record, offset, true);
    return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct* parent, struct task_struct* child) {
    // New threads are not new processes.
    if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
        return 0;
    struct yagura_process_record* record = begin(YAGURA_RECORD_FORK, child);
    if (!record)
        return 0;
    record->parent_pid = BPF_CORE_READ(parent, tgid);
    submit(record, 0, false);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct* task) {
    // The process ends with its main thread.
    if (BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
        return 0;
    struct yagura_process_record* record = begin(YAGURA_RECORD_EXIT, task);
    if (!record)
        return 0;
    record->exit_code = BPF_CORE_READ(task, exit_code);
    submit(record, 0, false);
    return 0;
}
