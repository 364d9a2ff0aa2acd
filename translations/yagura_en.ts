<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AssetsModel</name>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>Enter a user name.</source>
        <translation>Enter a user name.</translation>
    </message>
    <message>
        <source>A user name is 1-64 characters without spaces or &apos;:&apos;.</source>
        <translation>A user name is 1-64 characters without spaces or &apos;:&apos;.</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Pending approval</source>
        <translation>Pending approval</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Revoked</translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation>Isolated</translation>
    </message>
</context>
<context>
    <name>UsersPanel</name>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
</context>
<context>
    <name>yagura::console::AlertsModel</name>
    <message>
        <source>Informational</source>
        <translation>Informational</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Low</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Medium</translation>
    </message>
    <message>
        <source>High</source>
        <translation>High</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Critical</translation>
    </message>
    <message>
        <source>New</source>
        <translation>New</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>False positive</source>
        <translation>False positive</translation>
    </message>
    <message>
        <source>(unknown host)</source>
        <translation>(unknown host)</translation>
    </message>
    <message>
        <source>Rule %1</source>
        <translation>Rule %1</translation>
    </message>
    <message>
        <source>First seen %1, last seen %2</source>
        <translation>First seen %1, last seen %2</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Last seen</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · isolated</translation>
    </message>
</context>
<context>
    <name>yagura::console::AlertsView</name>
    <message>
        <source>(unknown image)</source>
        <translation>(unknown image)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1 — %2 (%3)</source>
        <translation>%1 — %2 (%3)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Open alerts are new, acknowledged or in progress.</source>
        <translation>Open alerts are new, acknowledged or in progress.</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Show:</translation>
    </message>
    <message>
        <source>Select an alert to see the process that fired it.</source>
        <translation>Select an alert to see the process that fired it.</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Acknowledge</translation>
    </message>
    <message>
        <source>Someone is looking at it.</source>
        <translation>Someone is looking at it.</translation>
    </message>
    <message>
        <source>Start work</source>
        <translation>Start work</translation>
    </message>
    <message>
        <source>Investigation is under way.</source>
        <translation>Investigation is under way.</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Resolve…</translation>
    </message>
    <message>
        <source>Dealt with. You are asked for the reason.</source>
        <translation>Dealt with. You are asked for the reason.</translation>
    </message>
    <message>
        <source>False positive…</source>
        <translation>False positive…</translation>
    </message>
    <message>
        <source>Not a threat. You are asked for the reason.</source>
        <translation>Not a threat. You are asked for the reason.</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Assign to me</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>The chain of processes that led to the alert, from the outermost ancestor down to the process that fired the rule.</source>
        <translation>The chain of processes that led to the alert, from the outermost ancestor down to the process that fired the rule.</translation>
    </message>
    <message>
        <source>Rule ID:</source>
        <translation>Rule ID:</translation>
    </message>
    <message>
        <source>Tags (MITRE ATT&amp;CK):</source>
        <translation>Tags (MITRE ATT&amp;CK):</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Count:</source>
        <translation>Count:</translation>
    </message>
    <message>
        <source>Seen:</source>
        <translation>Seen:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Process</translation>
    </message>
    <message>
        <source>Storyline</source>
        <translation>Storyline</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>%1 of %2 alerts</source>
        <translation>%1 of %2 alerts</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>(unknown host)</source>
        <translation>(unknown host)</translation>
    </message>
    <message>
        <source>%1 (agent %2)</source>
        <translation>%1 (agent %2)</translation>
    </message>
    <message numerus="yes">
        <source>Fired %n time(s)</source>
        <translation>
            <numerusform>Fired %n time</numerusform>
            <numerusform>Fired %n times</numerusform>
        </translation>
    </message>
    <message>
        <source>First %1, last %2</source>
        <translation>First %1, last %2</translation>
    </message>
    <message>
        <source>%1, unassigned</source>
        <translation>%1, unassigned</translation>
    </message>
    <message>
        <source>%1, assigned to %2</source>
        <translation>%1, assigned to %2</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Command line</source>
        <translation>Command line</translation>
    </message>
    <message>
        <source>Working directory</source>
        <translation>Working directory</translation>
    </message>
    <message>
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Process ID</source>
        <translation>Process ID</translation>
    </message>
    <message>
        <source>Parent process ID</source>
        <translation>Parent process ID</translation>
    </message>
    <message>
        <source>Parent image</source>
        <translation>Parent image</translation>
    </message>
    <message>
        <source>Parent command line</source>
        <translation>Parent command line</translation>
    </message>
    <message>
        <source>Hashes</source>
        <translation>Hashes</translation>
    </message>
    <message>
        <source>Event category</source>
        <translation>Event category</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>The event that fired this alert is no longer stored.</source>
        <translation>The event that fired this alert is no longer stored.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>%1
This process fired the rule.</source>
        <translation>%1
This process fired the rule.</translation>
    </message>
    <message>
        <source>%1 — %2: %3</source>
        <translation>%1 — %2: %3</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Note: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) selected</source>
        <translation>
            <numerusform>%n alert selected</numerusform>
            <numerusform>%n alerts selected</numerusform>
        </translation>
    </message>
    <message>
        <source>Resolve alerts</source>
        <translation>Resolve alerts</translation>
    </message>
    <message>
        <source>Mark as false positive</source>
        <translation>Mark as false positive</translation>
    </message>
    <message numerus="yes">
        <source>Why are these %n alert(s) resolved? The reason is kept in each alert&apos;s history.</source>
        <translation>
            <numerusform>Why is this alert resolved? The reason is kept in its history.</numerusform>
            <numerusform>Why are these %n alerts resolved? The reason is kept in each alert&apos;s history.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Why are these %n alert(s) false positives? The reason is kept in each alert&apos;s history.</source>
        <translation>
            <numerusform>Why is this alert a false positive? The reason is kept in its history.</numerusform>
            <numerusform>Why are these %n alerts false positives? The reason is kept in each alert&apos;s history.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exception…</source>
        <translation>Exception…</translation>
    </message>
    <message>
        <source>Stop this rule from alerting again on this host, its group or everywhere.</source>
        <translation>Stop this rule from alerting again on this host, its group or everywhere.</translation>
    </message>
    <message>
        <source>Across hosts:</source>
        <translation>Across hosts:</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Exception not created: %1</source>
        <translation>Exception not created: %1</translation>
    </message>
    <message>
        <source>Exception created: rule &quot;%1&quot; no longer alerts there (Policies → Exceptions to revoke it).</source>
        <translation>Exception created: rule &quot;%1&quot; no longer alerts there (Policies → Exceptions to revoke it).</translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation>Any severity</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Critical</translation>
    </message>
    <message>
        <source>High and above</source>
        <translation>High and above</translation>
    </message>
    <message>
        <source>Medium and above</source>
        <translation>Medium and above</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Any time</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Last hour</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Last 24 hours</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>Host or rule</source>
        <translation>Host or rule</translation>
    </message>
    <message>
        <source>Tag, e.g. attack.t1059.004</source>
        <translation>Tag, e.g. attack.t1059.004</translation>
    </message>
    <message>
        <source>Kill process…</source>
        <translation>Kill process…</translation>
    </message>
    <message>
        <source>Kill the process that fired the rule (not a later one that reuses its process id).</source>
        <translation>Kill the process that fired the rule (not a later one that reuses its process id).</translation>
    </message>
    <message>
        <source>Quarantine executable…</source>
        <translation>Quarantine executable…</translation>
    </message>
    <message>
        <source>Isolate host…</source>
        <translation>Isolate host…</translation>
    </message>
    <message>
        <source>%1 (agent %2) · ISOLATED</source>
        <translation>%1 (agent %2) · ISOLATED</translation>
    </message>
</context>
<context>
    <name>yagura::console::AssetDetailPane</name>
    <message>
        <source>Copy fingerprint</source>
        <translation>Copy fingerprint</translation>
    </message>
    <message>
        <source>Accept…</source>
        <translation>Accept…</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Reject…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Revoke…</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>Property</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Interface</translation>
    </message>
    <message>
        <source>MAC</source>
        <translation>MAC</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>MTU</source>
        <translation>MTU</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Addresses</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocol</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Process</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Executable</source>
        <translation>Executable</translation>
    </message>
    <message>
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <source>UID</source>
        <translation>UID</translation>
    </message>
    <message>
        <source>GID</source>
        <translation>GID</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>Shell</source>
        <translation>Shell</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Package</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architecture</translation>
    </message>
    <message>
        <source>Source package</source>
        <translation>Source package</translation>
    </message>
    <message>
        <source>Source version</source>
        <translation>Source version</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Enabled</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Interfaces</source>
        <translation>Interfaces</translation>
    </message>
    <message>
        <source>Listening ports</source>
        <translation>Listening ports</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>Packages</source>
        <translation>Packages</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Select an agent to see its inventory.</source>
        <translation>Select an agent to see its inventory.</translation>
    </message>
    <message>
        <source>Key fingerprint: %1</source>
        <translation>Key fingerprint: %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>Host name</source>
        <translation>Host name</translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation>Operating system</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>Kernel</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CPU cores</source>
        <translation>CPU cores</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memory</translation>
    </message>
    <message>
        <source>Machine ID</source>
        <translation>Machine ID</translation>
    </message>
    <message>
        <source>Agent version</source>
        <translation>Agent version</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation>Enrolled</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Last seen</translation>
    </message>
    <message>
        <source>Inventory updated</source>
        <translation>Inventory updated</translation>
    </message>
    <message>
        <source>Disk %1</source>
        <translation>Disk %1</translation>
    </message>
    <message>
        <source>%1 free of %2 (%3)</source>
        <translation>%1 free of %2 (%3)</translation>
    </message>
    <message>
        <source>Not collected: %1</source>
        <translation>Not collected: %1</translation>
    </message>
    <message>
        <source>up</source>
        <translation>up</translation>
    </message>
    <message>
        <source>down</source>
        <translation>down</translation>
    </message>
    <message>
        <source>Interfaces (%1)</source>
        <translation>Interfaces (%1)</translation>
    </message>
    <message>
        <source>Listening ports (%1)</source>
        <translation>Listening ports (%1)</translation>
    </message>
    <message>
        <source>Users (%1)</source>
        <translation>Users (%1)</translation>
    </message>
    <message>
        <source>Packages (%1)</source>
        <translation>Packages (%1)</translation>
    </message>
    <message>
        <source>Services (%1)</source>
        <translation>Services (%1)</translation>
    </message>
    <message>
        <source>Accept agent %1?

Only accept it if this fingerprint matches the one the agent printed when it enrolled:
%2</source>
        <translation>Accept agent %1?

Only accept it if this fingerprint matches the one the agent printed when it enrolled:
%2</translation>
    </message>
    <message>
        <source>Reject agent %1? It will not be able to connect.</source>
        <translation>Reject agent %1? It will not be able to connect.</translation>
    </message>
    <message>
        <source>Revoke agent %1? It is cut off at once and must enrol again to report.</source>
        <translation>Revoke agent %1? It is cut off at once and must enrol again to report.</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Isolate…</source>
        <translation>Isolate…</translation>
    </message>
    <message>
        <source>Release…</source>
        <translation>Release…</translation>
    </message>
    <message>
        <source>Collect…</source>
        <translation>Collect…</translation>
    </message>
    <message>
        <source>Quarantine file…</source>
        <translation>Quarantine file…</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Commands</translation>
    </message>
    <message>
        <source>ISOLATED</source>
        <translation>ISOLATED</translation>
    </message>
</context>
<context>
    <name>yagura::console::AssetsModel</name>
    <message>
        <source>(unknown host)</source>
        <translation>(unknown host)</translation>
    </message>
    <message>
        <source>Waiting for an operator to accept or reject this agent. Compare the key fingerprint with the one the agent printed.</source>
        <translation>Waiting for an operator to accept or reject this agent. Compare the key fingerprint with the one the agent printed.</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation>Operating system</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Addresses</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Last seen</translation>
    </message>
    <message>
        <source>Agent version</source>
        <translation>Agent version</translation>
    </message>
    <message>
        <source>Key fingerprint</source>
        <translation>Key fingerprint</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · isolated</translation>
    </message>
</context>
<context>
    <name>yagura::console::AssetsView</name>
    <message>
        <source>Search host, OS, address, group…</source>
        <translation>Search host, OS, address, group…</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>%1 of %2 agents</source>
        <translation>%1 of %2 agents</translation>
    </message>
</context>
<context>
    <name>yagura::console::AuditModel</name>
    <message>
        <source>Denied by the server.</source>
        <translation>Denied by the server.</translation>
    </message>
    <message>
        <source>Denied by the server: %1</source>
        <translation>Denied by the server: %1</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>Failed.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Actor</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
</context>
<context>
    <name>yagura::console::AuditView</name>
    <message>
        <source>Actor, e.g. user:admin</source>
        <translation>Actor, e.g. user:admin</translation>
    </message>
    <message>
        <source>Action starts with, e.g. operator.</source>
        <translation>Action starts with, e.g. operator.</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>Any outcome</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Denied</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>Filter:</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Verify chain</translation>
    </message>
    <message>
        <source>Ask the server to recompute the hash chain of the whole audit log. A break means entries were changed or removed outside Yagura.</source>
        <translation>Ask the server to recompute the hash chain of the whole audit log. A break means entries were changed or removed outside Yagura.</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Verifying…</translation>
    </message>
    <message>
        <source>Audit chain intact: %1 entries. Head %2…</source>
        <translation>Audit chain intact: %1 entries. Head %2…</translation>
    </message>
    <message>
        <source>Audit chain BROKEN at entry %1: %2</source>
        <translation>Audit chain BROKEN at entry %1: %2</translation>
    </message>
</context>
<context>
    <name>yagura::console::CommandsModel</name>
    <message>
        <source>Isolate</source>
        <translation>Isolate</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Release</translation>
    </message>
    <message>
        <source>Kill process</source>
        <translation>Kill process</translation>
    </message>
    <message>
        <source>Quarantine file</source>
        <translation>Quarantine file</translation>
    </message>
    <message>
        <source>Restore file</source>
        <translation>Restore file</translation>
    </message>
    <message>
        <source>Collect</source>
        <translation>Collect</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>Queued (agent offline)</source>
        <translation>Queued (agent offline)</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <source>Running on the agent</source>
        <translation>Running on the agent</translation>
    </message>
    <message>
        <source>Applied, confirming</source>
        <translation>Applied, confirming</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Succeeded</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>policy (automatic)</source>
        <translation>policy (automatic)</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>By</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
</context>
<context>
    <name>yagura::console::CommandsPanel</name>
    <message>
        <source>Show collected data…</source>
        <translation>Show collected data…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Collected by command %1</source>
        <translation>Collected by command %1</translation>
    </message>
    <message>
        <source>A file of %1 bytes, SHA-256 %2. Save it to examine it.</source>
        <translation>A file of %1 bytes, SHA-256 %2. Save it to examine it.</translation>
    </message>
    <message>
        <source>Save collected data</source>
        <translation>Save collected data</translation>
    </message>
</context>
<context>
    <name>yagura::console::ConnectionWorker</name>
    <message>
        <source>The server key is not valid: it is 40 characters from the server&apos;s server.pub file.</source>
        <translation>The server key is not valid: it is 40 characters from the server&apos;s server.pub file.</translation>
    </message>
    <message>
        <source>Not logged in.</source>
        <translation>Not logged in.</translation>
    </message>
    <message>
        <source>The console is closing.</source>
        <translation>The console is closing.</translation>
    </message>
    <message>
        <source>The server is unreachable; reconnecting.</source>
        <translation>The server is unreachable; reconnecting.</translation>
    </message>
</context>
<context>
    <name>yagura::console::DashboardDetection</name>
    <message>
        <source>Alerts, last 24 hours, by severity</source>
        <translation>Alerts, last 24 hours, by severity</translation>
    </message>
    <message>
        <source>No alerts in the last 24 hours.</source>
        <translation>No alerts in the last 24 hours.</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>Open alerts</source>
        <translation>Open alerts</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Undelivered events</source>
        <translation>Undelivered events</translation>
    </message>
    <message>
        <source>Spool (MiB)</source>
        <translation>Spool (MiB)</translation>
    </message>
    <message>
        <source>Events lost</source>
        <translation>Events lost</translation>
    </message>
    <message>
        <source>Every agent has delivered all its events; none lost any.</source>
        <translation>Every agent has delivered all its events; none lost any.</translation>
    </message>
    <message>
        <source>Rules with the most open alerts</source>
        <translation>Rules with the most open alerts</translation>
    </message>
    <message>
        <source>Hosts with the most open alerts</source>
        <translation>Hosts with the most open alerts</translation>
    </message>
    <message>
        <source>Agent spool backlog and losses</source>
        <translation>Agent spool backlog and losses</translation>
    </message>
    <message>
        <source>No open alerts.</source>
        <translation>No open alerts.</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · isolated</translation>
    </message>
</context>
<context>
    <name>yagura::console::DashboardView</name>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Fetch the latest counts from the server</source>
        <translation>Fetch the latest counts from the server</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>–</source>
        <comment>a tile before the server has answered</comment>
        <translation>–</translation>
    </message>
    <message>
        <source>Waiting for the server…</source>
        <translation>Waiting for the server…</translation>
    </message>
    <message>
        <source>Agents by state</source>
        <translation>Agents by state</translation>
    </message>
    <message>
        <source>No agents are enrolled yet.</source>
        <translation>No agents are enrolled yet.</translation>
    </message>
    <message>
        <source>Agents by operating system</source>
        <translation>Agents by operating system</translation>
    </message>
    <message>
        <source>Accepted agents</source>
        <translation>Accepted agents</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n accepted agent(s)</source>
        <translation>
            <numerusform>%1: %n accepted agent</numerusform>
            <numerusform>%1: %n accepted agents</numerusform>
        </translation>
    </message>
    <message>
        <source>No accepted agents yet.</source>
        <translation>No accepted agents yet.</translation>
    </message>
    <message>
        <source>Check-ins, last 24 hours</source>
        <translation>Check-ins, last 24 hours</translation>
    </message>
    <message>
        <source>Check-ins</source>
        <translation>Check-ins</translation>
    </message>
    <message>
        <source>Hour (local time)</source>
        <translation>Hour (local time)</translation>
    </message>
    <message numerus="yes">
        <source>%1–%2: %n check-in(s)</source>
        <translation>
            <numerusform>%1–%2: %n check-in</numerusform>
            <numerusform>%1–%2: %n check-ins</numerusform>
        </translation>
    </message>
    <message>
        <source>The server sent no check-in counts.</source>
        <translation>The server sent no check-in counts.</translation>
    </message>
    <message>
        <source>There is no connection to a server.</source>
        <translation>There is no connection to a server.</translation>
    </message>
    <message>
        <source>The server did not answer.</source>
        <translation>The server did not answer.</translation>
    </message>
    <message>
        <source>The server sent an answer the console does not understand.</source>
        <translation>The server sent an answer the console does not understand.</translation>
    </message>
    <message>
        <source>Could not refresh the dashboard: %1</source>
        <translation>Could not refresh the dashboard: %1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Updated %1</translation>
    </message>
    <message>
        <source>Counted by the server at %1</source>
        <translation>Counted by the server at %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>pie slice: state, number of agents</comment>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Unknown</source>
        <comment>operating system not reported by the agent</comment>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>Other</source>
        <comment>operating systems beyond the most common ones</comment>
        <translation>Other</translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation>Isolated</translation>
    </message>
    <message>
        <source>No host is isolated.</source>
        <translation>No host is isolated.</translation>
    </message>
    <message>
        <source>Isolated now: %1</source>
        <translation>Isolated now: %1</translation>
    </message>
</context>
<context>
    <name>yagura::console::EventsView</name>
    <message>
        <source>All categories</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>Process starts</source>
        <translation>Process starts</translation>
    </message>
    <message>
        <source>Network connections</source>
        <translation>Network connections</translation>
    </message>
    <message>
        <source>File changes</source>
        <translation>File changes</translation>
    </message>
    <message>
        <source>File deletions</source>
        <translation>File deletions</translation>
    </message>
    <message>
        <source>File renames</source>
        <translation>File renames</translation>
    </message>
    <message>
        <source>Logins and sudo</source>
        <translation>Logins and sudo</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>Text in any field (exact case)</source>
        <translation>Text in any field (exact case)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>More</source>
        <translation>More</translation>
    </message>
    <message>
        <source>Choose a host and a time range.</source>
        <translation>Choose a host and a time range.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Seq</source>
        <translation>Seq</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>to</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Could not list the hosts: %1</source>
        <translation>Could not list the hosts: %1</translation>
    </message>
    <message>
        <source>agent %1</source>
        <translation>agent %1</translation>
    </message>
    <message>
        <source>Choose a host first.</source>
        <translation>Choose a host first.</translation>
    </message>
    <message>
        <source>The range ends before it starts.</source>
        <translation>The range ends before it starts.</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>Search failed: %1</translation>
    </message>
    <message>
        <source>No events match.</source>
        <translation>No events match.</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n event</numerusform>
            <numerusform>%n events</numerusform>
        </translation>
    </message>
    <message>
        <source>; more with &quot;More&quot;</source>
        <translation>; more with &quot;More&quot;</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · isolated</translation>
    </message>
</context>
<context>
    <name>yagura::console::ExceptionDialog</name>
    <message>
        <source>Exception from a false positive</source>
        <translation>Exception from a false positive</translation>
    </message>
    <message>
        <source>Rule &quot;%1&quot; will not raise alerts again where this exception applies. Its events are still recorded.</source>
        <translation>Rule &quot;%1&quot; will not raise alerts again where this exception applies. Its events are still recorded.</translation>
    </message>
    <message>
        <source>This host (%1)</source>
        <translation>This host (%1)</translation>
    </message>
    <message>
        <source>Every host of its group</source>
        <translation>Every host of its group</translation>
    </message>
    <message>
        <source>Every host</source>
        <translation>Every host</translation>
    </message>
    <message>
        <source>Any executable, not only %1</source>
        <translation>Any executable, not only %1</translation>
    </message>
    <message>
        <source>Ends on</source>
        <translation>Ends on</translation>
    </message>
    <message>
        <source>Why this is not a threat (required)</source>
        <translation>Why this is not a threat (required)</translation>
    </message>
    <message>
        <source>Create exception</source>
        <translation>Create exception</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Where</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Until</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>yagura::console::ExceptionsPanel</name>
    <message>
        <source>Rule</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Where</translation>
    </message>
    <message>
        <source>Executable</source>
        <translation>Executable</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Until</translation>
    </message>
    <message>
        <source>Silenced</source>
        <translation>Silenced</translation>
    </message>
    <message>
        <source>By</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Show expired and revoked</source>
        <translation>Show expired and revoked</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Revoke…</translation>
    </message>
    <message>
        <source>Exceptions are made from a false positive in the Alerts view.</source>
        <translation>Exceptions are made from a false positive in the Alerts view.</translation>
    </message>
    <message>
        <source>Revoke exception</source>
        <translation>Revoke exception</translation>
    </message>
    <message>
        <source>Why (kept in the audit log):</source>
        <translation>Why (kept in the audit log):</translation>
    </message>
    <message>
        <source>Could not load the exceptions: %1</source>
        <translation>Could not load the exceptions: %1</translation>
    </message>
    <message>
        <source>host %1</source>
        <translation>host %1</translation>
    </message>
    <message>
        <source>group %1</source>
        <translation>group %1</translation>
    </message>
    <message>
        <source>every host</source>
        <translation>every host</translation>
    </message>
    <message>
        <source>any</source>
        <translation>any</translation>
    </message>
    <message>
        <source>no end</source>
        <translation>no end</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>revoked</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expired</translation>
    </message>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>Exception revoked: its rule alerts again.</source>
        <translation>Exception revoked: its rule alerts again.</translation>
    </message>
    <message>
        <source>Not revoked: %1</source>
        <translation>Not revoked: %1</translation>
    </message>
</context>
<context>
    <name>yagura::console::LoginDialog</name>
    <message>
        <source>Log in to Yagura</source>
        <translation>Log in to Yagura</translation>
    </message>
    <message>
        <source>40 characters, from the server&apos;s server.pub</source>
        <translation>40 characters, from the server&apos;s server.pub</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Server key</source>
        <translation>Server key</translation>
    </message>
    <message>
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Use this computer&apos;s site</source>
        <translation>Use this computer&apos;s site</translation>
    </message>
    <message>
        <source>Connect to the single-machine site in %1, starting its server if it is not running.</source>
        <translation>Connect to the single-machine site in %1, starting its server if it is not running.</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>&lt;b&gt;Yagura&lt;/b&gt; — on-premises endpoint protection</source>
        <translation>&lt;b&gt;Yagura&lt;/b&gt; — on-premises endpoint protection</translation>
    </message>
    <message>
        <source>Enter the server address and your user name.</source>
        <translation>Enter the server address and your user name.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <source>The server does not answer. Check the address, the server key and that the server is running.</source>
        <translation>The server does not answer. Check the address, the server key and that the server is running.</translation>
    </message>
    <message>
        <source>Using the local site.</source>
        <translation>Using the local site.</translation>
    </message>
    <message>
        <source>yagura-server is not installed on this computer.</source>
        <translation>yagura-server is not installed on this computer.</translation>
    </message>
    <message>
        <source>Could not start the local server.</source>
        <translation>Could not start the local server.</translation>
    </message>
    <message>
        <source>Starting the local server…</source>
        <translation>Starting the local server…</translation>
    </message>
    <message>
        <source>The local server is running.</source>
        <translation>The local server is running.</translation>
    </message>
    <message>
        <source>The local server did not start; see %1.</source>
        <translation>The local server did not start; see %1.</translation>
    </message>
</context>
<context>
    <name>yagura::console::MainWindow</name>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Assets</source>
        <translation>Assets</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>Response</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>Policies</translation>
    </message>
    <message>
        <source>Vulnerabilities</source>
        <translation>Vulnerabilities</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>Compliance</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>Exports</source>
        <translation>Exports</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Yagura Console</source>
        <translation>Yagura Console</translation>
    </message>
    <message>
        <source>The connection to the server is lost. Reconnecting… What you see may be out of date.</source>
        <translation>The connection to the server is lost. Reconnecting… What you see may be out of date.</translation>
    </message>
    <message>
        <source>Vulnerability tracking is not built yet.</source>
        <translation>Vulnerability tracking is not built yet.</translation>
    </message>
    <message>
        <source>Compliance reporting is not built yet.</source>
        <translation>Compliance reporting is not built yet.</translation>
    </message>
    <message>
        <source>Export bundles for the security provider are not built yet.</source>
        <translation>Export bundles for the security provider are not built yet.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>Log &amp;out</translation>
    </message>
    <message>
        <source>You logged out.</source>
        <translation>You logged out.</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About Yagura</source>
        <translation>&amp;About Yagura</translation>
    </message>
    <message>
        <source>About Yagura</source>
        <translation>About Yagura</translation>
    </message>
    <message>
        <source>&lt;b&gt;Yagura&lt;/b&gt; 櫓 — on-premises endpoint protection.&lt;br&gt;Console for on-site security staff.</source>
        <translation>&lt;b&gt;Yagura&lt;/b&gt; 櫓 — on-premises endpoint protection.&lt;br&gt;Console for on-site security staff.</translation>
    </message>
    <message>
        <source>&lt;h2&gt;The console is locked&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;The console is locked&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Enter your password to continue.</source>
        <translation>Enter your password to continue.</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>Wrong password.</source>
        <translation>Wrong password.</translation>
    </message>
    <message>
        <source>%1 (%2) at %3</source>
        <translation>%1 (%2) at %3</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Analyst</source>
        <translation>Analyst</translation>
    </message>
    <message>
        <source>Auditor</source>
        <translation>Auditor</translation>
    </message>
    <message>
        <source>Your session has ended. Log in again.</source>
        <translation>Your session has ended. Log in again.</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Events</translation>
    </message>
</context>
<context>
    <name>yagura::console::NewUserDialog</name>
    <message>
        <source>New user</source>
        <translation>New user</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generate</translation>
    </message>
    <message>
        <source>Fill in a random password. It is shown once, and copied to the clipboard, after the user has been created.</source>
        <translation>Fill in a random password. It is shown once, and copied to the clipboard, after the user has been created.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Role:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <source>Con&amp;firm:</source>
        <translation>Con&amp;firm:</translation>
    </message>
    <message>
        <source>The system could not provide random numbers. Type a password.</source>
        <translation>The system could not provide random numbers. Type a password.</translation>
    </message>
    <message numerus="yes">
        <source>A password needs at least %n characters.</source>
        <translation>
            <numerusform>A password needs at least %n character.</numerusform>
            <numerusform>A password needs at least %n characters.</numerusform>
        </translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>The two passwords differ.</translation>
    </message>
    <message>
        <source>The generated password is shown once after the user is created.</source>
        <translation>The generated password is shown once after the user is created.</translation>
    </message>
</context>
<context>
    <name>yagura::console::PoliciesView</name>
    <message>
        <source>Groups and policies</source>
        <translation>Groups and policies</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>Exceptions</translation>
    </message>
</context>
<context>
    <name>yagura::console::PolicyEditor</name>
    <message>
        <source>Group</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agents</translation>
    </message>
    <message>
        <source>Policy version</source>
        <translation>Policy version</translation>
    </message>
    <message>
        <source>Applied by</source>
        <translation>Applied by</translation>
    </message>
    <message>
        <source>New group…</source>
        <translation>New group…</translation>
    </message>
    <message>
        <source>Move agents here…</source>
        <translation>Move agents here…</translation>
    </message>
    <message>
        <source>Agent groups</source>
        <translation>Agent groups</translation>
    </message>
    <message>
        <source>One absolute path per line; folders are watched with everything below them</source>
        <translation>One absolute path per line; folders are watched with everything below them</translation>
    </message>
    <message>
        <source>Detect ransomware-like file activity</source>
        <translation>Detect ransomware-like file activity</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>off</source>
        <translation>off</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source> days</source>
        <translation> days</translation>
    </message>
    <message>
        <source>Why this change (kept in the history)</source>
        <translation>Why this change (kept in the history)</translation>
    </message>
    <message>
        <source>Save as new version</source>
        <translation>Save as new version</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Window</translation>
    </message>
    <message>
        <source>Files rewritten or renamed</source>
        <translation>Files rewritten or renamed</translation>
    </message>
    <message>
        <source>Content entropy above (bits/byte)</source>
        <translation>Content entropy above (bits/byte)</translation>
    </message>
    <message>
        <source>Ransom notes</source>
        <translation>Ransom notes</translation>
    </message>
    <message>
        <source>Rule packs</source>
        <translation>Rule packs</translation>
    </message>
    <message>
        <source>Watched files and folders</source>
        <translation>Watched files and folders</translation>
    </message>
    <message>
        <source>Ransomware</source>
        <translation>Ransomware</translation>
    </message>
    <message>
        <source>Offline spool budget</source>
        <translation>Offline spool budget</translation>
    </message>
    <message>
        <source>Keep telemetry on the server</source>
        <translation>Keep telemetry on the server</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Comment</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Policy</translation>
    </message>
    <message>
        <source>Only administrators change policies.</source>
        <translation>Only administrators change policies.</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Runs version</source>
        <translation>Runs version</translation>
    </message>
    <message>
        <source>Should run</source>
        <translation>Should run</translation>
    </message>
    <message>
        <source>Versions (select one to see what it changed)</source>
        <translation>Versions (select one to see what it changed)</translation>
    </message>
    <message>
        <source>Agents of the group</source>
        <translation>Agents of the group</translation>
    </message>
    <message>
        <source>Could not load the groups: %1</source>
        <translation>Could not load the groups: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 of %2</translation>
    </message>
    <message>
        <source>%1 (%2 rules for Linux agents)</source>
        <translation>%1 (%2 rules for Linux agents)</translation>
    </message>
    <message>
        <source>Group %1 has no policy yet; its agents keep the last one they ran. Saving gives it one.</source>
        <translation>Group %1 has no policy yet; its agents keep the last one they ran. Saving gives it one.</translation>
    </message>
    <message>
        <source>Could not load the policy: %1</source>
        <translation>Could not load the policy: %1</translation>
    </message>
    <message>
        <source>Version %1, saved by %2 on %3</source>
        <translation>Version %1, saved by %2 on %3</translation>
    </message>
    <message>
        <source>Watched path &quot;%1&quot; must be absolute, without &quot;..&quot;.</source>
        <translation>Watched path &quot;%1&quot; must be absolute, without &quot;..&quot;.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Not saved: %1</translation>
    </message>
    <message>
        <source>Saved as version %1; the group&apos;s agents fetch it now.</source>
        <translation>Saved as version %1; the group&apos;s agents fetch it now.</translation>
    </message>
    <message>
        <source>Version %1 · %2 · %3</source>
        <translation>Version %1 · %2 · %3</translation>
    </message>
    <message>
        <source>No versions yet.</source>
        <translation>No versions yet.</translation>
    </message>
    <message>
        <source>The group&apos;s first version:</source>
        <translation>The group&apos;s first version:</translation>
    </message>
    <message>
        <source>Changes from version %1 to %2:</source>
        <translation>Changes from version %1 to %2:</translation>
    </message>
    <message>
        <source>(the same settings: saved again because its rule packs changed)</source>
        <translation>(the same settings: saved again because its rule packs changed)</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>none yet</translation>
    </message>
    <message>
        <source>Not applied yet: the agent is offline or fetching it</source>
        <translation>Not applied yet: the agent is offline or fetching it</translation>
    </message>
    <message>
        <source>New group</source>
        <translation>New group</translation>
    </message>
    <message>
        <source>Name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;):</source>
        <translation>Name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;):</translation>
    </message>
    <message>
        <source>Group not created: %1</source>
        <translation>Group not created: %1</translation>
    </message>
    <message>
        <source>Group %1 created.</source>
        <translation>Group %1 created.</translation>
    </message>
    <message>
        <source>Could not list agents: %1</source>
        <translation>Could not list agents: %1</translation>
    </message>
    <message>
        <source>Move agents to %1</source>
        <translation>Move agents to %1</translation>
    </message>
    <message>
        <source>%1 (now in %2)</source>
        <translation>%1 (now in %2)</translation>
    </message>
    <message>
        <source>They run this group&apos;s policy from their next contact.</source>
        <translation>They run this group&apos;s policy from their next contact.</translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>Not moved: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n agent(s) moved to %1.</source>
        <translation>
            <numerusform>%n agent moved to %1.</numerusform>
            <numerusform>%n agents moved to %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · isolated</translation>
    </message>
</context>
<context>
    <name>yagura::console::ResponseDialog</name>
    <message>
        <source>%1 on %2</source>
        <translation>%1 on %2</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Absolute path of the file on the host</source>
        <translation>Absolute path of the file on the host</translation>
    </message>
    <message>
        <source>Process list</source>
        <translation>Process list</translation>
    </message>
    <message>
        <source>Network connections</source>
        <translation>Network connections</translation>
    </message>
    <message>
        <source>File hashes and metadata</source>
        <translation>File hashes and metadata</translation>
    </message>
    <message>
        <source>The file itself (up to 8 MiB)</source>
        <translation>The file itself (up to 8 MiB)</translation>
    </message>
    <message>
        <source>Collect:</source>
        <translation>Collect:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>File:</translation>
    </message>
    <message>
        <source>Asking the server what this will do…</source>
        <translation>Asking the server what this will do…</translation>
    </message>
    <message>
        <source>Why (required; recorded in the audit log)</source>
        <translation>Why (required; recorded in the audit log)</translation>
    </message>
    <message>
        <source>%1 now</source>
        <translation>%1 now</translation>
    </message>
    <message>
        <source>What will happen:</source>
        <translation>What will happen:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <source>Allowed: loopback (this host to itself)</source>
        <translation>Allowed: loopback (this host to itself)</translation>
    </message>
    <message>
        <source>Allowed: the agent&apos;s connection to the site server %1 tcp/%2</source>
        <translation>Allowed: the agent&apos;s connection to the site server %1 tcp/%2</translation>
    </message>
    <message>
        <source>Allowed: IPv6 neighbour discovery (needed to reach any IPv6 address)</source>
        <translation>Allowed: IPv6 neighbour discovery (needed to reach any IPv6 address)</translation>
    </message>
    <message>
        <source>Allowed: DHCP and DHCPv6 address leases</source>
        <translation>Allowed: DHCP and DHCPv6 address leases</translation>
    </message>
    <message>
        <source>Allowed: this host to %1 %2/%3</source>
        <translation>Allowed: this host to %1 %2/%3</translation>
    </message>
    <message>
        <source>Allowed: %1 to this host&apos;s %2/%3</source>
        <translation>Allowed: %1 to this host&apos;s %2/%3</translation>
    </message>
    <message>
        <source>Blocked: everything else, IPv4 and IPv6, in, out and forwarded, including connections already open</source>
        <translation>Blocked: everything else, IPv4 and IPv6, in, out and forwarded, including connections already open</translation>
    </message>
    <message>
        <source>Safe apply: rolled back unless the agent reaches the server within %1 s</source>
        <translation>Safe apply: rolled back unless the agent reaches the server within %1 s</translation>
    </message>
    <message>
        <source>Safe apply: off (stays in force even if the server is lost)</source>
        <translation>Safe apply: off (stays in force even if the server is lost)</translation>
    </message>
    <message>
        <source>Checked every %1 s and restored (with an alert) if changed; kept across reboots</source>
        <translation>Checked every %1 s and restored (with an alert) if changed; kept across reboots</translation>
    </message>
    <message>
        <source>nftables rules:</source>
        <translation>nftables rules:</translation>
    </message>
    <message>
        <source>Removes Yagura&apos;s isolation table (and nothing else): the host&apos;s own firewall stays as it is.</source>
        <translation>Removes Yagura&apos;s isolation table (and nothing else): the host&apos;s own firewall stays as it is.</translation>
    </message>
    <message>
        <source>Kills process %1 (started at tick %2) and every process below it.</source>
        <translation>Kills process %1 (started at tick %2) and every process below it.</translation>
    </message>
    <message>
        <source>Kills process %1 (started at tick %2). A process that reuses the id is left alone.</source>
        <translation>Kills process %1 (started at tick %2). A process that reuses the id is left alone.</translation>
    </message>
    <message>
        <source>Moves %1 into the host&apos;s encrypted quarantine; it can be restored with its owner and mode.</source>
        <translation>Moves %1 into the host&apos;s encrypted quarantine; it can be restored with its owner and mode.</translation>
    </message>
    <message>
        <source>Puts quarantined file %1 back where it was; nothing is overwritten.</source>
        <translation>Puts quarantined file %1 back where it was; nothing is overwritten.</translation>
    </message>
    <message>
        <source>Collects %1 and stores it on the server.</source>
        <translation>Collects %1 and stores it on the server.</translation>
    </message>
    <message>
        <source>Allowed: DNS queries (tcp and udp port 53) to the host&apos;s own resolvers</source>
        <translation>Allowed: DNS queries (tcp and udp port 53) to the host&apos;s own resolvers</translation>
    </message>
</context>
<context>
    <name>yagura::console::ResponseView</name>
    <message>
        <source>Commands</source>
        <translation>Commands</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>Quarantined</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>Restore…</translation>
    </message>
    <message>
        <source>Quarantine</source>
        <translation>Quarantine</translation>
    </message>
</context>
<context>
    <name>yagura::console::RulesPanel</name>
    <message>
        <source>loaded</source>
        <translation>loaded</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>duplicate</translation>
    </message>
    <message>
        <source>not supported</source>
        <translation>not supported</translation>
    </message>
    <message>
        <source>Pack</source>
        <translation>Pack</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>Loaded</translation>
    </message>
    <message>
        <source>Not loaded</source>
        <translation>Not loaded</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Enabled</translation>
    </message>
    <message>
        <source>For Linux agents</source>
        <translation>For Linux agents</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>Imported</translation>
    </message>
    <message>
        <source>Import rules…</source>
        <translation>Import rules…</translation>
    </message>
    <message>
        <source>All rules</source>
        <translation>All rules</translation>
    </message>
    <message>
        <source>Not supported</source>
        <translation>Not supported</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Duplicates</translation>
    </message>
    <message>
        <source>Search title, id or file</source>
        <translation>Search title, id or file</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Enable</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Disable</translation>
    </message>
    <message>
        <source>On</source>
        <translation>On</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Why not</source>
        <translation>Why not</translation>
    </message>
    <message>
        <source>Select a rule to read it</source>
        <translation>Select a rule to read it</translation>
    </message>
    <message>
        <source>Could not load the rule packs: %1</source>
        <translation>Could not load the rule packs: %1</translation>
    </message>
    <message>
        <source>ships with Yagura</source>
        <translation>ships with Yagura</translation>
    </message>
    <message>
        <source>%1 by %2</source>
        <translation>%1 by %2</translation>
    </message>
    <message>
        <source>Could not load the rules: %1</source>
        <translation>Could not load the rules: %1</translation>
    </message>
    <message>
        <source>on</source>
        <translation>on</translation>
    </message>
    <message>
        <source>off</source>
        <translation>off</translation>
    </message>
    <message>
        <source>Showing %1 of %2 rules: narrow the search to see the others.</source>
        <translation>Showing %1 of %2 rules: narrow the search to see the others.</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>Not changed: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) enabled; the policies using the pack have a new version.</source>
        <translation>
            <numerusform>%n rule enabled; the policies using the pack have a new version.</numerusform>
            <numerusform>%n rules enabled; the policies using the pack have a new version.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) disabled; the policies using the pack have a new version.</source>
        <translation>
            <numerusform>%n rule disabled; the policies using the pack have a new version.</numerusform>
            <numerusform>%n rules disabled; the policies using the pack have a new version.</numerusform>
        </translation>
    </message>
    <message>
        <source>Folder of Sigma rules</source>
        <translation>Folder of Sigma rules</translation>
    </message>
    <message>
        <source>Archive of Sigma rules</source>
        <translation>Archive of Sigma rules</translation>
    </message>
    <message>
        <source>Archives (*.tar *.tar.gz *.tgz *.tar.xz *.zip)</source>
        <translation>Archives (*.tar *.tar.gz *.tgz *.tar.xz *.zip)</translation>
    </message>
    <message>
        <source>Import rules</source>
        <translation>Import rules</translation>
    </message>
    <message>
        <source>Pack name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;); an existing pack is replaced:</source>
        <translation>Pack name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;); an existing pack is replaced:</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>Not imported: %1</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Importing %1…</translation>
    </message>
    <message>
        <source>Import stopped: %1. The pack is unchanged.</source>
        <translation>Import stopped: %1. The pack is unchanged.</translation>
    </message>
    <message>
        <source>Pack %1: %2 rules loaded, %3 not loaded, %4 for Linux agents.</source>
        <translation>Pack %1: %2 rules loaded, %3 not loaded, %4 for Linux agents.</translation>
    </message>
</context>
<context>
    <name>yagura::console::SettingsView</name>
    <message>
        <source>General</source>
        <translation>General</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>System default</translation>
    </message>
    <message>
        <source>The language changes after the console restarts.</source>
        <translation>The language changes after the console restarts.</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>After this long without input the console locks and asks for the password again.</source>
        <translation>After this long without input the console locks and asks for the password again.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Passwords copied by the console are removed from the clipboard after this long.</source>
        <translation>Passwords copied by the console are removed from the clipboard after this long.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Language:</translation>
    </message>
    <message>
        <source>Lock when idle &amp;after:</source>
        <translation>Lock when idle &amp;after:</translation>
    </message>
    <message>
        <source>Clear copied &amp;passwords after:</source>
        <translation>Clear copied &amp;passwords after:</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Users</translation>
    </message>
</context>
<context>
    <name>yagura::console::UsersPanel</name>
    <message>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <source>Analyst</source>
        <translation>Analyst</translation>
    </message>
    <message>
        <source>Auditor</source>
        <translation>Auditor</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>Password changed</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>New user…</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>Change role…</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Disable</translation>
    </message>
    <message>
        <source>This is you.</source>
        <translation>This is you.</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Enable</translation>
    </message>
    <message>
        <source>The system could not provide random numbers for a password.</source>
        <translation>The system could not provide random numbers for a password.</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>Give %1 a new, generated password? The current password stops working and their open sessions end.</source>
        <translation>Give %1 a new, generated password? The current password stops working and their open sessions end.</translation>
    </message>
    <message>
        <source>Disable user</source>
        <translation>Disable user</translation>
    </message>
    <message>
        <source>Disable %1? They can no longer log in, and their open sessions end now.</source>
        <translation>Disable %1? They can no longer log in, and their open sessions end now.</translation>
    </message>
    <message>
        <source>Enable user</source>
        <translation>Enable user</translation>
    </message>
    <message>
        <source>Enable %1? They can log in again with their current password.</source>
        <translation>Enable %1? They can log in again with their current password.</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>Change role</translation>
    </message>
    <message>
        <source>Role for %1:</source>
        <translation>Role for %1:</translation>
    </message>
    <message>
        <source>Password for %1</source>
        <translation>Password for %1</translation>
    </message>
    <message numerus="yes">
        <source>The password for %1 is:

%2

It has been copied to the clipboard, which is cleared in %n second(s). It is not shown again.</source>
        <translation>
            <numerusform>The password for %1 is:

%2

It has been copied to the clipboard, which is cleared in %n second. It is not shown again.</numerusform>
            <numerusform>The password for %1 is:

%2

It has been copied to the clipboard, which is cleared in %n seconds. It is not shown again.</numerusform>
        </translation>
    </message>
</context>
</TS>
