#include "server/Schema.h"

#include <array>

namespace yagura::server {

namespace {
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE agents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'revoked')),
    hostname TEXT NOT NULL DEFAULT '',
    machine_id TEXT NOT NULL DEFAULT '',
    os TEXT NOT NULL DEFAULT '',
    group_name TEXT NOT NULL DEFAULT '',
    agent_version TEXT NOT NULL DEFAULT '',
    token_id TEXT,
    enrolled_at INTEGER NOT NULL,
    state_changed_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL DEFAULT 0,
    uptime_seconds INTEGER NOT NULL DEFAULT 0,
    policy_version INTEGER NOT NULL DEFAULT 0,
    addresses TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agents_state ON agents (state);
CREATE INDEX agents_hostname ON agents (hostname);

CREATE TABLE enrolment_tokens (
    id TEXT PRIMARY KEY,
    secret_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    uses_allowed INTEGER NOT NULL,
    uses_count INTEGER NOT NULL DEFAULT 0,
    group_name TEXT NOT NULL DEFAULT '',
    auto_accept INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL
);

CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'auditor')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- Append-only: the program has no update or delete path, and the store refuses one.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- The chain's head, kept apart so that deleting the newest entries is detected too.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
)sql";

constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE inventory_items (
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    kind INTEGER NOT NULL,
    item_key TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (agent_id, kind, item_key)
) WITHOUT ROWID;
ALTER TABLE agents ADD COLUMN inventory_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN inventory_updated_at INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::string_view kVersion3 = R"sql(
-- Check-ins per agent and hour, for the dashboard's last-24-hours chart.
CREATE TABLE agent_checkins (
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    hour_unix INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (agent_id, hour_unix)
) WITHOUT ROWID;
)sql";

constexpr std::string_view kVersion4 = R"sql(
-- INSERT OR REPLACE would otherwise rewrite an entry without firing the DELETE trigger.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

constexpr std::string_view kVersion5 = R"sql(
-- Telemetry, deduplicated on (agent, seq): a batch the agent sends twice is stored once.
CREATE TABLE events (
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    seq INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    category TEXT NOT NULL,
    rank INTEGER NOT NULL,
    body BLOB NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (agent_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_time ON events (time_ms);
-- What agents' spools had to drop when full, as they reported it.
CREATE TABLE event_losses (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    count INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    reported_ms INTEGER NOT NULL,
    UNIQUE (agent_id, first_seq, last_seq, rank)
);
)sql";

constexpr std::string_view kVersion6 = R"sql(
-- Alerts, grouped: the same rule firing on the same host for the same executable adds to the
-- open alert's counter instead of opening another.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    rule_id TEXT NOT NULL,
    rule_title TEXT NOT NULL,
    level TEXT NOT NULL,
    tags TEXT NOT NULL,
    image TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    count INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'acknowledged', 'in_progress', 'resolved', 'false_positive')),
    assignee TEXT NOT NULL DEFAULT '',
    last_event_seq INTEGER NOT NULL
);
CREATE INDEX alerts_group ON alerts (agent_id, rule_id, image, status);
CREATE INDEX alerts_recent ON alerts (last_seen_ms);
)sql";

constexpr std::string_view kVersion7 = R"sql(
-- Triage: who changed what about an alert, when and why. Append-only like the audit log.
CREATE TABLE alert_history (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    time_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    change TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);
CREATE TRIGGER alert_history_no_update BEFORE UPDATE ON alert_history
BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
CREATE TRIGGER alert_history_no_delete BEFORE DELETE ON alert_history
BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
)sql";

constexpr std::string_view kVersion8 = R"sql(
-- Agent groups: every agent is in exactly one; a policy belongs to a group.
CREATE TABLE agent_groups (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
INSERT INTO agent_groups (name, description, created_at)
    VALUES ('default', 'Agents not assigned to another group', strftime('%s', 'now'));
UPDATE agents SET group_name = 'default' WHERE group_name = '';
UPDATE enrolment_tokens SET group_name = 'default' WHERE group_name = '';
INSERT OR IGNORE INTO agent_groups (name, created_at)
    SELECT DISTINCT group_name, strftime('%s', 'now') FROM agents;
INSERT OR IGNORE INTO agent_groups (name, created_at)
    SELECT DISTINCT group_name, strftime('%s', 'now') FROM enrolment_tokens;
CREATE INDEX agents_group ON agents (group_name);

-- Policies: versions are site-wide and increasing, so an agent's reported version names one
-- policy exactly. Old versions stay for the history and its diffs.
CREATE TABLE policies (
    version INTEGER PRIMARY KEY,
    group_name TEXT NOT NULL REFERENCES agent_groups (name),
    spec BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX policies_group ON policies (group_name, version);
CREATE TRIGGER policies_no_update BEFORE UPDATE ON policies
BEGIN SELECT RAISE(ABORT, 'policy versions are immutable'); END;

-- The spool backlog each agent last reported.
ALTER TABLE agents ADD COLUMN spool_events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN spool_bytes INTEGER NOT NULL DEFAULT 0;

-- Rule packs: Yagura's own (builtin) and those operators import; every file is kept with its
-- load status, so an operator sees why a rule did not load.
CREATE TABLE rule_packs (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    builtin INTEGER NOT NULL DEFAULT 0,
    imported_at INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rules (
    pack TEXT NOT NULL REFERENCES rule_packs (name),
    file TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    product TEXT NOT NULL,
    category TEXT NOT NULL,
    service TEXT NOT NULL,
    tags TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('loaded', 'unsupported', 'duplicate')),
    reason TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    yaml BLOB NOT NULL,
    PRIMARY KEY (pack, file)
) WITHOUT ROWID;
CREATE INDEX rules_id ON rules (rule_id);

-- Exceptions made from false positives: an alert of the rule (and, unless widened, of the same
-- executable) in the scope is not raised again; the event is still stored.
CREATE TABLE alert_exceptions (
    id INTEGER PRIMARY KEY,
    rule_id TEXT NOT NULL,
    rule_title TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('host', 'group', 'all')),
    agent_id INTEGER NOT NULL DEFAULT 0,
    group_name TEXT NOT NULL DEFAULT '',
    image TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0,
    hits INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0,
    from_alert_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_exceptions_rule ON alert_exceptions (rule_id);

-- Cross-host correlation: where each executable hash has been seen, and since when.
CREATE TABLE hash_sightings (
    sha256 TEXT NOT NULL,
    agent_id INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (sha256, agent_id)
) WITHOUT ROWID;

-- What a server-side (correlation) alert saw across hosts, in one line.
ALTER TABLE alerts ADD COLUMN detail TEXT NOT NULL DEFAULT '';

CREATE TRIGGER alert_history_no_replace BEFORE INSERT ON alert_history
WHEN EXISTS (SELECT 1 FROM alert_history WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
)sql";

constexpr std::string_view kVersion9 = R"sql(
-- Event search per host and time range, and retention per group, both walk one agent's events
-- by time: (agent, time) serves both; time alone served neither well.
DROP INDEX events_time;
CREATE INDEX events_agent_time ON events (agent_id, time_ms);
)sql";

constexpr std::string_view kVersion10 = R"sql(
-- Response commands. A row is created by an operator (or the server) and lives on as the
-- record of what was asked, of whom, why, and what the agent answered. `command` holds the
-- serialized proto.Command exactly as the agent receives it.
CREATE TABLE commands (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    action TEXT NOT NULL CHECK (action IN ('isolate', 'release', 'kill', 'quarantine',
                                           'restore', 'collect')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'acknowledged', 'applied',
                                         'succeeded', 'failed', 'expired')),
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    delivered_at INTEGER NOT NULL DEFAULT 0,
    acknowledged_at INTEGER NOT NULL DEFAULT 0,
    finished_at INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    command BLOB NOT NULL,
    from_alert_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX commands_agent ON commands (agent_id, id);
-- What is still to be delivered, per agent: looked up after every heartbeat.
CREATE INDEX commands_open ON commands (agent_id) WHERE state IN ('queued', 'delivered');

-- What a collect command brought back.
CREATE TABLE command_outputs (
    command_id INTEGER PRIMARY KEY REFERENCES commands (id),
    output_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL
);

-- Files in the agents' quarantines, as the agents reported them.
CREATE TABLE quarantine (
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    item_id TEXT NOT NULL,
    item BLOB NOT NULL,
    quarantined_at INTEGER NOT NULL,
    restored_at INTEGER NOT NULL DEFAULT 0,
    restore_command_id INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (agent_id, item_id)
) WITHOUT ROWID;

-- The agent says whether its isolation is in force (Hello, heartbeats).
ALTER TABLE agents ADD COLUMN isolated INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array<store::Migration, 10> kMigrations{{
    {1, kVersion1},
    {2, kVersion2},
    {3, kVersion3},
    {4, kVersion4},
    {5, kVersion5},
    {6, kVersion6},
    {7, kVersion7},
    {8, kVersion8},
    {9, kVersion9},
    {10, kVersion10},
}};
} // namespace

std::span<const store::Migration> siteMigrations() {
    return kMigrations;
}

} // namespace yagura::server
