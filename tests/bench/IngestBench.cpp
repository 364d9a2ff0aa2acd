// Benchmark: telemetry ingest into the encrypted site store through the real server, side by
// side with raw SQLCipher inserts of the same rows in the same run. Prints JSON.
//
//   yagura-bench-ingest [--agents 8] [--events 400000] [--batch 1000]
//
// The real yagura-server runs as its own process; simulated agents (real CURVE keys, real
// enrolment, real EventBatch messages) each keep one batch in flight, as the agent does.

#include "BenchServer.h"

#include "agent/Enrolment.h"
#include "common/Files.h"
#include "common/Text.h"
#include "crypto/EnrolmentToken.h"
#include "proto/Envelope.h"
#include "server/Site.h"
#include "store/Database.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <sys/wait.h>
#include <thread>

using namespace yagura;
using namespace std::chrono;

namespace {
proto::TelemetryEvent makeEvent(std::uint64_t seq) {
    proto::TelemetryEvent event;
    event.set_seq(seq);
    event.set_time_unix_ms(1'800'000'000'000 + seq);
    event.set_category("process_creation");
    event.set_rank(proto::RANK_TELEMETRY);
    const std::pair<const char*, std::string> fields[] = {
        {"ProcessId", std::to_string(10000 + seq % 50000)},
        {"Image", "/usr/bin/python3.11"},
        {"CommandLine",
         "/usr/bin/python3 /opt/plant/collector.py --line 7 --poll " + std::to_string(seq)},
        {"CurrentDirectory", "/opt/plant"},
        {"User", "plant"},
        {"ParentProcessId", "812"},
        {"ParentImage", "/usr/bin/bash"},
        {"ParentCommandLine", "/bin/bash /opt/plant/run.sh"},
        {"Hashes", "SHA256=5f2b1c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"},
    };
    for (const auto& [name, value] : fields) {
        auto* field = event.add_fields();
        field->set_name(name);
        field->set_value(value);
    }
    return event;
}

double rawInsertsPerSecond(const std::filesystem::path& dir, std::uint64_t events,
                           std::size_t batch) {
    auto db = store::Database::open(dir / "raw.db", store::StoreKey::raw(std::string(32, 'r')),
                                    store::OpenMode::CreateIfMissing);
    (void)db->exec("CREATE TABLE events (agent_id INTEGER NOT NULL, seq INTEGER NOT NULL, time_ms "
                   "INTEGER NOT NULL, category TEXT NOT NULL, rank INTEGER NOT NULL, body BLOB NOT "
                   "NULL, received_ms INTEGER NOT NULL, PRIMARY KEY (agent_id, seq)) WITHOUT ROWID;"
                   "CREATE INDEX events_agent_time ON events (agent_id, time_ms);");
    std::vector<std::string> bodies;
    for (std::uint64_t i = 0; i < batch; ++i) {
        auto event = makeEvent(i);
        event.clear_seq();
        bodies.push_back(event.SerializeAsString());
    }
    const auto start = steady_clock::now();
    auto insert = db->prepare("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (std::uint64_t done = 0; done < events;) {
        auto transaction = db->beginImmediate();
        for (std::size_t i = 0; i < batch && done < events; ++i, ++done) {
            insert->reset();
            insert->bind(1, std::int64_t{1})
                .bind(2, static_cast<std::int64_t>(done + 1))
                .bind(3, static_cast<std::int64_t>(1'800'000'000'000 + done))
                .bind(4, std::string_view("process_creation"))
                .bind(5, std::int64_t{2})
                .bindBlob(6, bodies[i])
                .bind(7, std::int64_t{0});
            (void)insert->run();
        }
        (void)transaction->commit();
    }
    return static_cast<double>(events) / duration<double>(steady_clock::now() - start).count();
}
} // namespace

int main(int argc, char** argv) {
    int agents = 8;
    std::uint64_t totalEvents = 400'000;
    std::size_t batchSize = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--agents")
            agents = std::stoi(argv[i + 1]);
        else if (flag == "--events")
            totalEvents = std::stoull(argv[i + 1]);
        else if (flag == "--batch")
            batchSize = std::stoul(argv[i + 1]);
    }
    char dirTemplate[] = "/tmp/yagura-ingest-bench-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(dirTemplate);
    const server::SiteLayout layout{dir / "site"};
    (void)files::writeFileAtomic(dir / "pw", "benchmark-password", 0600);
    server::InitOptions init;
    init.dataDir = layout.dataDir;
    init.adminPasswordFile = dir / "pw";
    if (!server::initSite(init, SystemClock::instance()).ok())
        return 1;
    server::ServerConfig config;
    config.agentBind = {"tcp://127.0.0.1:*"};
    config.enrolBind = {"tcp://127.0.0.1:*"};
    config.operatorBind = {"tcp://127.0.0.1:*"};
    (void)server::saveServerConfig(layout, config);

    auto server = bench::BenchServer::start(YAGURA_SERVER_BIN, layout);
    if (!server) {
        std::fprintf(stderr, "yagura-bench-ingest: the server did not start\n");
        return 1;
    }
    const pid_t serverPid = server->pid();
    auto endpoints = server::loadRuntimeEndpoints(layout);
    std::string tokenText;
    {
        auto siteStore = server::openSiteStore(layout, SystemClock::instance());
        server::TokenOptions options;
        options.agentEndpoints = endpoints->agent;
        options.enrolEndpoints = endpoints->enrol;
        options.uses = agents;
        options.autoAccept = true;
        options.createdBy = "bench";
        tokenText = *server::createEnrolmentToken(layout, *siteStore, options);
    }
    const auto token = *crypto::decodeEnrolmentToken(tokenText, SystemClock::instance());
    const auto serverKey = *crypto::CurvePublicKey::parse(token.server_public_key());
    net::Context context;
    struct Simulated {
        crypto::CurveKeyPair keys;
        std::optional<net::Socket> socket;
        std::uint64_t nextSeq = 1;
        std::uint64_t sent = 0;
        bool inFlight = false;
    };
    std::vector<Simulated> fleet(static_cast<std::size_t>(agents));
    for (auto& agent : fleet) {
        agent.keys = *crypto::CurveKeyPair::generate();
        proto::Enrol enrol;
        enrol.set_token_id(token.token_id());
        enrol.set_token_secret(token.secret());
        if (!agent::requestEnrolment(context, agent.keys, serverKey, endpoints->enrol, enrol, 10s)
                 .ok())
            return 1;
        net::CurveClientOptions options;
        options.clientKeys = &agent.keys;
        options.serverKey = serverKey;
        agent.socket.emplace(std::move(net::Socket::curveDealer(context, options)).value());
        (void)agent.socket->connect(endpoints->agent.front());
    }
    // Pre-serialized batches: the benchmark measures the server, not the client's protobuf work.
    const std::uint64_t perAgent = totalEvents / static_cast<std::uint64_t>(agents);
    std::uint64_t committed = 0;
    const auto start = steady_clock::now();
    const auto cpuBefore = [&] {
        auto stat = files::readFile("/proc/" + std::to_string(serverPid) + "/stat", 65536);
        const auto fields = text::split(stat->substr(stat->rfind(')') + 2), ' ');
        return (std::stod(std::string(fields[11])) + std::stod(std::string(fields[12]))) /
               static_cast<double>(::sysconf(_SC_CLK_TCK));
    };
    const double cpuStart = cpuBefore();
    std::uint64_t envelopeSeq = 1;
    while (committed < perAgent * static_cast<std::uint64_t>(agents)) {
        std::vector<net::Socket*> sockets;
        for (auto& agent : fleet) {
            if (!agent.inFlight && agent.sent < perAgent) {
                proto::EventBatch batch;
                for (std::size_t i = 0; i < batchSize && agent.sent < perAgent; ++i, ++agent.sent)
                    *batch.add_events() = makeEvent(agent.nextSeq++);
                (void)agent.socket->send(
                    {protocol::pack(proto::EVENT_BATCH, envelopeSeq++, batch)});
                agent.inFlight = true;
            }
            sockets.push_back(&*agent.socket);
        }
        (void)net::pollReadable(sockets, milliseconds{100});
        for (auto& agent : fleet) {
            auto reply = agent.socket->receive(milliseconds{0});
            if (reply.ok() && *reply) {
                agent.inFlight = false;
                committed = 0;
                for (const auto& a : fleet)
                    committed +=
                        a.sent - (a.inFlight ? std::min<std::uint64_t>(a.sent, batchSize) : 0);
            }
        }
    }
    const double seconds = duration<double>(steady_clock::now() - start).count();
    const double serverCpu = cpuBefore() - cpuStart;
    server->stop();
    const double raw =
        rawInsertsPerSecond(dir, perAgent * static_cast<std::uint64_t>(agents), batchSize);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    const double served =
        static_cast<double>(perAgent * static_cast<std::uint64_t>(agents)) / seconds;
    const nlohmann::json result = {
        {"benchmark", "ingest"},
        {"agents", agents},
        {"events", perAgent * static_cast<std::uint64_t>(agents)},
        {"batch_events", batchSize},
        {"server_events_per_second", served},
        {"server_cpu_seconds", serverCpu},
        {"raw_sqlcipher_inserts_per_second", raw},
        {"ratio_server_to_raw", served / raw},
        {"cores", std::thread::hardware_concurrency()},
    };
    std::printf("%s\n", result.dump(2).c_str());
    return 0;
}
