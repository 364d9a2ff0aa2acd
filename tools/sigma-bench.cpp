// yagura-sigma-bench [RULES_DIR]: events per second through the Sigma engine on one core, for
// realistic Linux process_creation events, with the literal prefilter and without it (the
// baseline, in the same run). Prints JSON. A benchmark, not a test.

#include "detect/RuleSet.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace yagura::detect;

namespace {

std::vector<Event> sampleEvents() {
    struct Sample {
        const char* image;
        const char* commandLine;
        const char* parentImage;
        const char* parentCommandLine;
    };
    const Sample samples[] = {
        {"/usr/bin/ls", "ls --color=auto -la /home/alice/projects", "/usr/bin/bash", "-bash"},
        {"/usr/bin/curl", "curl -fsSL https://deb.example.org/dists/bookworm/Release -o /tmp/rel",
         "/usr/bin/apt-get", "/usr/bin/apt-get update"},
        {"/usr/bin/python3.11", "/usr/bin/python3 /usr/lib/cnf-update-db", "/usr/bin/sh",
         "/bin/sh -c /usr/lib/cnf-update-db > /dev/null"},
        {"/usr/bin/systemctl", "systemctl --user status pipewire.service", "/usr/bin/bash",
         "/bin/bash --login"},
        {"/usr/bin/git", "git -C /home/alice/src/yagura fetch --prune origin", "/usr/bin/zsh",
         "zsh"},
    };
    std::vector<Event> events;
    int pid = 4000;
    for (const Sample& s : samples) {
        Event event("process_creation", "linux");
        event.set("Image", s.image);
        event.set("CommandLine", s.commandLine);
        event.set("ParentImage", s.parentImage);
        event.set("ParentCommandLine", s.parentCommandLine);
        event.set("User", "alice");
        event.set("LogonId", "1000");
        event.set("CurrentDirectory", "/home/alice");
        event.set("ProcessId", std::to_string(pid++));
        event.set("ParentProcessId", "3999");
        event.set("ProcessGuid", "{5b2ad1d6-36c4-6554-0000-0010c2a3b701}");
        event.set("OriginalFileName", "-");
        event.set("Hashes", "SHA256=0c1c...");
        events.push_back(std::move(event));
    }
    return events;
}

template <typename Fn> double perSecond(std::size_t minIterations, Fn&& fn) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    std::size_t done = 0;
    while (done < minIterations || Clock::now() - start < std::chrono::seconds(2)) {
        for (int i = 0; i < 1000; ++i)
            fn(done++);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return static_cast<double>(done) / seconds;
}

} // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "../shared/data/sigma/rules";
    RuleSet all;
    const LoadReport report = all.loadDirectory(dir);
    if (report.loaded == 0) {
        std::fprintf(stderr, "yagura-sigma-bench: no rules loaded from %s\n", dir.c_str());
        return 1;
    }
    std::vector<const Rule*> linuxRules;
    for (const Rule* rule : all.rules()) {
        if (rule->logsource.product == "linux")
            linuxRules.push_back(rule);
    }
    const std::vector<Event> events = sampleEvents();
    std::size_t sink = 0;

    // The engine as used: the index picks the rules for linux / process_creation.
    std::vector<const Rule*> out;
    out.reserve(64);
    const double indexed = perSecond(100000, [&](std::size_t i) {
        out.clear();
        all.match(events[i % events.size()], out);
        sink += out.size();
    });
    // Baseline in the same run: the same index, every candidate rule evaluated (no prefilter).
    const double unfiltered = perSecond(50000, [&](std::size_t i) {
        out.clear();
        all.matchWithoutPrefilter(events[i % events.size()], out);
        sink += out.size();
    });
    // Worst case: every product=linux rule's detection, whatever its log source.
    const double brute = perSecond(20000, [&](std::size_t i) {
        const Event& event = events[i % events.size()];
        for (const Rule* rule : linuxRules)
            sink += rule->matches(event) ? 1 : 0;
    });
    std::printf("{\n  \"rules_loaded\": %zu,\n  \"linux_rules\": %zu,\n"
                "  \"candidate_rules_linux_process_creation\": %zu,\n"
                "  \"prefiltered_rules\": %zu,\n"
                "  \"events_per_second_indexed\": %.0f,\n"
                "  \"events_per_second_indexed_without_prefilter\": %.0f,\n"
                "  \"events_per_second_all_linux_rules\": %.0f,\n  \"matches\": %zu\n}\n",
                report.loaded, linuxRules.size(), all.candidateCount(events.front()),
                all.prefilteredRules(), indexed, unfiltered, brute, sink);
    return 0;
}
