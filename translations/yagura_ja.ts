<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AssetsModel</name>
    <message>
        <source>never</source>
        <translation>なし</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>Enter a user name.</source>
        <translation>ユーザー名を入力してください。</translation>
    </message>
    <message>
        <source>A user name is 1-64 characters without spaces or &apos;:&apos;.</source>
        <translation>ユーザー名は、空白と &apos;:&apos; を含まない 1～64 文字で指定してください。</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>Online</source>
        <translation>オンライン</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>オフライン</translation>
    </message>
    <message>
        <source>Pending approval</source>
        <translation>承認待ち</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒否済み</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>失効済み</translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation>隔離中</translation>
    </message>
</context>
<context>
    <name>UsersPanel</name>
    <message>
        <source>never</source>
        <translation>なし</translation>
    </message>
</context>
<context>
    <name>yagura::console::AlertsModel</name>
    <message>
        <source>Informational</source>
        <translation>情報</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>重大</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>確認済み</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>対応中</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>解決済み</translation>
    </message>
    <message>
        <source>False positive</source>
        <translation>誤検知</translation>
    </message>
    <message>
        <source>(unknown host)</source>
        <translation>(不明なホスト)</translation>
    </message>
    <message>
        <source>Rule %1</source>
        <translation>ルール %1</translation>
    </message>
    <message>
        <source>First seen %1, last seen %2</source>
        <translation>初回検出 %1、最終検出 %2</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>重大度</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>ルール</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>実行ファイル</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>回数</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最終検出日時</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>担当者</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · 隔離中</translation>
    </message>
</context>
<context>
    <name>yagura::console::AlertsView</name>
    <message>
        <source>(unknown image)</source>
        <translation>(不明な実行ファイル)</translation>
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
        <translation>未解決</translation>
    </message>
    <message>
        <source>All</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>Open alerts are new, acknowledged or in progress.</source>
        <translation>未解決のアラートとは、ステータスが新規・確認済み・対応中のアラートです。</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>表示:</translation>
    </message>
    <message>
        <source>Select an alert to see the process that fired it.</source>
        <translation>アラートを選択すると、検知の原因となったプロセスが表示されます。</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>確認</translation>
    </message>
    <message>
        <source>Someone is looking at it.</source>
        <translation>担当者が内容を確認中であることを示します。</translation>
    </message>
    <message>
        <source>Start work</source>
        <translation>対応開始</translation>
    </message>
    <message>
        <source>Investigation is under way.</source>
        <translation>調査・対応に着手したことを示します。</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>解決…</translation>
    </message>
    <message>
        <source>Dealt with. You are asked for the reason.</source>
        <translation>対処が完了したことを示します。理由の入力を求められます。</translation>
    </message>
    <message>
        <source>False positive…</source>
        <translation>誤検知…</translation>
    </message>
    <message>
        <source>Not a threat. You are asked for the reason.</source>
        <translation>脅威ではないことを示します。理由の入力を求められます。</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>自分に割り当て</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>The chain of processes that led to the alert, from the outermost ancestor down to the process that fired the rule.</source>
        <translation>アラートに至ったプロセスの連鎖です。最も外側の祖先プロセスから、ルールに一致したプロセスまでを表示します。</translation>
    </message>
    <message>
        <source>Rule ID:</source>
        <translation>ルール ID:</translation>
    </message>
    <message>
        <source>Tags (MITRE ATT&amp;CK):</source>
        <translation>タグ (MITRE ATT&amp;CK):</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>ホスト:</translation>
    </message>
    <message>
        <source>Count:</source>
        <translation>回数:</translation>
    </message>
    <message>
        <source>Seen:</source>
        <translation>検出日時:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>ステータス:</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <source>Storyline</source>
        <translation>ストーリーライン</translation>
    </message>
    <message>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <source>%1 of %2 alerts</source>
        <translation>アラート %1 / %2 件</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>(unknown host)</source>
        <translation>(不明なホスト)</translation>
    </message>
    <message>
        <source>%1 (agent %2)</source>
        <translation>%1 (エージェント %2)</translation>
    </message>
    <message numerus="yes">
        <source>Fired %n time(s)</source>
        <translation>
            <numerusform>%n 回検出</numerusform>
        </translation>
    </message>
    <message>
        <source>First %1, last %2</source>
        <translation>初回 %1、最終 %2</translation>
    </message>
    <message>
        <source>%1, unassigned</source>
        <translation>%1、担当者なし</translation>
    </message>
    <message>
        <source>%1, assigned to %2</source>
        <translation>%1、担当者: %2</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>実行ファイル</translation>
    </message>
    <message>
        <source>Command line</source>
        <translation>コマンドライン</translation>
    </message>
    <message>
        <source>Working directory</source>
        <translation>作業ディレクトリ</translation>
    </message>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Process ID</source>
        <translation>プロセス ID</translation>
    </message>
    <message>
        <source>Parent process ID</source>
        <translation>親プロセス ID</translation>
    </message>
    <message>
        <source>Parent image</source>
        <translation>親プロセスの実行ファイル</translation>
    </message>
    <message>
        <source>Parent command line</source>
        <translation>親プロセスのコマンドライン</translation>
    </message>
    <message>
        <source>Hashes</source>
        <translation>ハッシュ</translation>
    </message>
    <message>
        <source>Event category</source>
        <translation>イベントカテゴリ</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>イベント</translation>
    </message>
    <message>
        <source>The event that fired this alert is no longer stored.</source>
        <translation>このアラートの原因となったイベントは、すでに保存されていません。</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>%1
This process fired the rule.</source>
        <translation>%1
このプロセスがルールに一致しました。</translation>
    </message>
    <message>
        <source>%1 — %2: %3</source>
        <translation>%1 — %2: %3</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>メモ: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) selected</source>
        <translation>
            <numerusform>%n 件のアラートを選択中</numerusform>
        </translation>
    </message>
    <message>
        <source>Resolve alerts</source>
        <translation>アラートの解決</translation>
    </message>
    <message>
        <source>Mark as false positive</source>
        <translation>誤検知としてマーク</translation>
    </message>
    <message numerus="yes">
        <source>Why are these %n alert(s) resolved? The reason is kept in each alert&apos;s history.</source>
        <translation>
            <numerusform>%n 件のアラートを解決する理由を入力してください。理由は各アラートの履歴に記録されます。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Why are these %n alert(s) false positives? The reason is kept in each alert&apos;s history.</source>
        <translation>
            <numerusform>%n 件のアラートを誤検知と判断した理由を入力してください。理由は各アラートの履歴に記録されます。</numerusform>
        </translation>
    </message>
    <message>
        <source>Exception…</source>
        <translation>例外…</translation>
    </message>
    <message>
        <source>Stop this rule from alerting again on this host, its group or everywhere.</source>
        <translation>このルールによるアラートを、このホスト、そのグループ、またはすべてのホストで今後発生させないようにします。</translation>
    </message>
    <message>
        <source>Across hosts:</source>
        <translation>ホスト横断:</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Exception not created: %1</source>
        <translation>例外を作成できませんでした: %1</translation>
    </message>
    <message>
        <source>Exception created: rule &quot;%1&quot; no longer alerts there (Policies → Exceptions to revoke it).</source>
        <translation>例外を作成しました。ルール「%1」は、例外の適用範囲ではアラートを発生させなくなりました (失効させるには [ポリシー] → [例外])。</translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation>すべての重大度</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>重大</translation>
    </message>
    <message>
        <source>High and above</source>
        <translation>高以上</translation>
    </message>
    <message>
        <source>Medium and above</source>
        <translation>中以上</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>全期間</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>過去 1 時間</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>過去 24 時間</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <source>Host or rule</source>
        <translation>ホストまたはルール</translation>
    </message>
    <message>
        <source>Tag, e.g. attack.t1059.004</source>
        <translation>タグ (例: attack.t1059.004)</translation>
    </message>
    <message>
        <source>Kill process…</source>
        <translation>プロセスを強制終了…</translation>
    </message>
    <message>
        <source>Kill the process that fired the rule (not a later one that reuses its process id).</source>
        <translation>ルールに一致したプロセスを強制終了します (同じプロセス ID を後から再利用したプロセスは対象外)。</translation>
    </message>
    <message>
        <source>Quarantine executable…</source>
        <translation>実行ファイルを隔離保管…</translation>
    </message>
    <message>
        <source>Isolate host…</source>
        <translation>ホストを隔離…</translation>
    </message>
    <message>
        <source>%1 (agent %2) · ISOLATED</source>
        <translation>%1 (エージェント %2) · 隔離中</translation>
    </message>
</context>
<context>
    <name>yagura::console::AssetDetailPane</name>
    <message>
        <source>Copy fingerprint</source>
        <translation>フィンガープリントをコピー</translation>
    </message>
    <message>
        <source>Accept…</source>
        <translation>承認する…</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>拒否する…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>失効させる…</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>インターフェイス</translation>
    </message>
    <message>
        <source>MAC</source>
        <translation>MAC</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>MTU</source>
        <translation>MTU</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>ポート</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>プロセス</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Executable</source>
        <translation>実行ファイル</translation>
    </message>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
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
        <translation>ホームディレクトリ</translation>
    </message>
    <message>
        <source>Shell</source>
        <translation>シェル</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>パッケージ</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>バージョン</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <source>Source package</source>
        <translation>ソースパッケージ</translation>
    </message>
    <message>
        <source>Source version</source>
        <translation>ソースバージョン</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>有効化状態</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>稼働状態</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Interfaces</source>
        <translation>インターフェイス</translation>
    </message>
    <message>
        <source>Listening ports</source>
        <translation>待ち受けポート</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Packages</source>
        <translation>パッケージ</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>サービス</translation>
    </message>
    <message>
        <source>Select an agent to see its inventory.</source>
        <translation>エージェントを選択すると、そのインベントリが表示されます。</translation>
    </message>
    <message>
        <source>Key fingerprint: %1</source>
        <translation>鍵フィンガープリント: %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Host name</source>
        <translation>ホスト名</translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation>OS</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>カーネル</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CPU cores</source>
        <translation>CPU コア数</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <source>Machine ID</source>
        <translation>マシン ID</translation>
    </message>
    <message>
        <source>Agent version</source>
        <translation>エージェントのバージョン</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation>登録日時</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最終確認日時</translation>
    </message>
    <message>
        <source>Inventory updated</source>
        <translation>インベントリ更新日時</translation>
    </message>
    <message>
        <source>Disk %1</source>
        <translation>ディスク %1</translation>
    </message>
    <message>
        <source>%1 free of %2 (%3)</source>
        <translation>空き %1 / 全体 %2 (%3)</translation>
    </message>
    <message>
        <source>Not collected: %1</source>
        <translation>未収集: %1</translation>
    </message>
    <message>
        <source>up</source>
        <translation>アップ</translation>
    </message>
    <message>
        <source>down</source>
        <translation>ダウン</translation>
    </message>
    <message>
        <source>Interfaces (%1)</source>
        <translation>インターフェイス (%1)</translation>
    </message>
    <message>
        <source>Listening ports (%1)</source>
        <translation>待ち受けポート (%1)</translation>
    </message>
    <message>
        <source>Users (%1)</source>
        <translation>ユーザー (%1)</translation>
    </message>
    <message>
        <source>Packages (%1)</source>
        <translation>パッケージ (%1)</translation>
    </message>
    <message>
        <source>Services (%1)</source>
        <translation>サービス (%1)</translation>
    </message>
    <message>
        <source>Accept agent %1?

Only accept it if this fingerprint matches the one the agent printed when it enrolled:
%2</source>
        <translation>エージェント %1 を承認しますか？

次のフィンガープリントが、エージェントの登録時に表示されたものと一致する場合にのみ承認してください:
%2</translation>
    </message>
    <message>
        <source>Reject agent %1? It will not be able to connect.</source>
        <translation>エージェント %1 を拒否しますか？拒否したエージェントは接続できなくなります。</translation>
    </message>
    <message>
        <source>Revoke agent %1? It is cut off at once and must enrol again to report.</source>
        <translation>エージェント %1 を失効させますか？エージェントは直ちに切断され、再び報告するには登録し直す必要があります。</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>確認</translation>
    </message>
    <message>
        <source>Isolate…</source>
        <translation>隔離…</translation>
    </message>
    <message>
        <source>Release…</source>
        <translation>隔離解除…</translation>
    </message>
    <message>
        <source>Collect…</source>
        <translation>収集…</translation>
    </message>
    <message>
        <source>Quarantine file…</source>
        <translation>ファイルを隔離保管…</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <source>ISOLATED</source>
        <translation>隔離中</translation>
    </message>
</context>
<context>
    <name>yagura::console::AssetsModel</name>
    <message>
        <source>(unknown host)</source>
        <translation>(不明なホスト)</translation>
    </message>
    <message>
        <source>Waiting for an operator to accept or reject this agent. Compare the key fingerprint with the one the agent printed.</source>
        <translation>このエージェントは、オペレーターによる承認または拒否を待っています。鍵フィンガープリントを、エージェントが表示したものと照合してください。</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation>OS</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最終確認日時</translation>
    </message>
    <message>
        <source>Agent version</source>
        <translation>エージェントのバージョン</translation>
    </message>
    <message>
        <source>Key fingerprint</source>
        <translation>鍵フィンガープリント</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · 隔離中</translation>
    </message>
</context>
<context>
    <name>yagura::console::AssetsView</name>
    <message>
        <source>Search host, OS, address, group…</source>
        <translation>ホスト、OS、アドレス、グループで検索…</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>すべての状態</translation>
    </message>
    <message>
        <source>%1 of %2 agents</source>
        <translation>エージェント %1 / %2 台</translation>
    </message>
</context>
<context>
    <name>yagura::console::AuditModel</name>
    <message>
        <source>Denied by the server.</source>
        <translation>サーバーにより拒否されました。</translation>
    </message>
    <message>
        <source>Denied by the server: %1</source>
        <translation>サーバーにより拒否されました: %1</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>失敗しました。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失敗しました: %1</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>実行者</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>対象</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>詳細</translation>
    </message>
</context>
<context>
    <name>yagura::console::AuditView</name>
    <message>
        <source>Actor, e.g. user:admin</source>
        <translation>実行者 (例: user:admin)</translation>
    </message>
    <message>
        <source>Action starts with, e.g. operator.</source>
        <translation>操作 (前方一致、例: operator.)</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>すべての結果</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>フィルター:</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>チェーンを検証</translation>
    </message>
    <message>
        <source>Ask the server to recompute the hash chain of the whole audit log. A break means entries were changed or removed outside Yagura.</source>
        <translation>監査ログ全体のハッシュチェーンをサーバーで再計算します。チェーンが途切れている場合は、Yagura 以外の手段でエントリが変更または削除されたことを意味します。</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>検証中…</translation>
    </message>
    <message>
        <source>Audit chain intact: %1 entries. Head %2…</source>
        <translation>監査チェーンは正常です: %1 件。ヘッド %2…</translation>
    </message>
    <message>
        <source>Audit chain BROKEN at entry %1: %2</source>
        <translation>監査チェーンがエントリ %1 で破損しています: %2</translation>
    </message>
</context>
<context>
    <name>yagura::console::CommandsModel</name>
    <message>
        <source>Isolate</source>
        <translation>隔離</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>隔離解除</translation>
    </message>
    <message>
        <source>Kill process</source>
        <translation>プロセス強制終了</translation>
    </message>
    <message>
        <source>Quarantine file</source>
        <translation>ファイル隔離保管</translation>
    </message>
    <message>
        <source>Restore file</source>
        <translation>ファイル復元</translation>
    </message>
    <message>
        <source>Collect</source>
        <translation>収集</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>Queued (agent offline)</source>
        <translation>待機中 (エージェントはオフライン)</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>配信済み</translation>
    </message>
    <message>
        <source>Running on the agent</source>
        <translation>エージェントで実行中</translation>
    </message>
    <message>
        <source>Applied, confirming</source>
        <translation>適用済み・確認中</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>期限切れ</translation>
    </message>
    <message>
        <source>policy (automatic)</source>
        <translation>ポリシー (自動)</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>By</source>
        <translation>実行者</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>結果</translation>
    </message>
</context>
<context>
    <name>yagura::console::CommandsPanel</name>
    <message>
        <source>Show collected data…</source>
        <translation>収集したデータを表示…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Collected by command %1</source>
        <translation>コマンド %1 で収集したデータ</translation>
    </message>
    <message>
        <source>A file of %1 bytes, SHA-256 %2. Save it to examine it.</source>
        <translation>%1 バイトのファイルです (SHA-256 %2)。内容を調べるには保存してください。</translation>
    </message>
    <message>
        <source>Save collected data</source>
        <translation>収集したデータを保存</translation>
    </message>
</context>
<context>
    <name>yagura::console::ConnectionWorker</name>
    <message>
        <source>The server key is not valid: it is 40 characters from the server&apos;s server.pub file.</source>
        <translation>サーバーキーが無効です。サーバーキーは、サーバーの server.pub ファイルに記載されている 40 文字です。</translation>
    </message>
    <message>
        <source>Not logged in.</source>
        <translation>ログインしていません。</translation>
    </message>
    <message>
        <source>The console is closing.</source>
        <translation>コンソールを終了しています。</translation>
    </message>
    <message>
        <source>The server is unreachable; reconnecting.</source>
        <translation>サーバーに接続できません。再接続しています。</translation>
    </message>
</context>
<context>
    <name>yagura::console::DashboardDetection</name>
    <message>
        <source>Alerts, last 24 hours, by severity</source>
        <translation>重大度別アラート (過去 24 時間)</translation>
    </message>
    <message>
        <source>No alerts in the last 24 hours.</source>
        <translation>過去 24 時間のアラートはありません。</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>ルール</translation>
    </message>
    <message>
        <source>Open alerts</source>
        <translation>未解決アラート</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Undelivered events</source>
        <translation>未送信イベント</translation>
    </message>
    <message>
        <source>Spool (MiB)</source>
        <translation>スプール (MiB)</translation>
    </message>
    <message>
        <source>Events lost</source>
        <translation>消失イベント</translation>
    </message>
    <message>
        <source>Every agent has delivered all its events; none lost any.</source>
        <translation>すべてのエージェントがイベントを送信済みです。消失したイベントはありません。</translation>
    </message>
    <message>
        <source>Rules with the most open alerts</source>
        <translation>未解決アラートの多いルール</translation>
    </message>
    <message>
        <source>Hosts with the most open alerts</source>
        <translation>未解決アラートの多いホスト</translation>
    </message>
    <message>
        <source>Agent spool backlog and losses</source>
        <translation>エージェントのスプール滞留とイベント消失</translation>
    </message>
    <message>
        <source>No open alerts.</source>
        <translation>未解決のアラートはありません。</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · 隔離中</translation>
    </message>
</context>
<context>
    <name>yagura::console::DashboardView</name>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Fetch the latest counts from the server</source>
        <translation>サーバーから最新の集計を取得します</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>–</source>
        <comment>a tile before the server has answered</comment>
        <translation>–</translation>
    </message>
    <message>
        <source>Waiting for the server…</source>
        <translation>サーバーの応答を待っています…</translation>
    </message>
    <message>
        <source>Agents by state</source>
        <translation>状態別エージェント</translation>
    </message>
    <message>
        <source>No agents are enrolled yet.</source>
        <translation>登録済みのエージェントはまだありません。</translation>
    </message>
    <message>
        <source>Agents by operating system</source>
        <translation>OS 別エージェント</translation>
    </message>
    <message>
        <source>Accepted agents</source>
        <translation>承認済みエージェント</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n accepted agent(s)</source>
        <translation>
            <numerusform>%1: 承認済みエージェント %n 台</numerusform>
        </translation>
    </message>
    <message>
        <source>No accepted agents yet.</source>
        <translation>承認済みのエージェントはまだありません。</translation>
    </message>
    <message>
        <source>Check-ins, last 24 hours</source>
        <translation>チェックイン (過去 24 時間)</translation>
    </message>
    <message>
        <source>Check-ins</source>
        <translation>チェックイン</translation>
    </message>
    <message>
        <source>Hour (local time)</source>
        <translation>時刻 (ローカル時間)</translation>
    </message>
    <message numerus="yes">
        <source>%1–%2: %n check-in(s)</source>
        <translation>
            <numerusform>%1–%2: チェックイン %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>The server sent no check-in counts.</source>
        <translation>サーバーからチェックイン数が送信されませんでした。</translation>
    </message>
    <message>
        <source>There is no connection to a server.</source>
        <translation>サーバーに接続されていません。</translation>
    </message>
    <message>
        <source>The server did not answer.</source>
        <translation>サーバーが応答しませんでした。</translation>
    </message>
    <message>
        <source>The server sent an answer the console does not understand.</source>
        <translation>サーバーから、コンソールで解釈できない応答が返されました。</translation>
    </message>
    <message>
        <source>Could not refresh the dashboard: %1</source>
        <translation>ダッシュボードを更新できませんでした: %1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>最終更新 %1</translation>
    </message>
    <message>
        <source>Counted by the server at %1</source>
        <translation>サーバーでの集計日時: %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>pie slice: state, number of agents</comment>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Unknown</source>
        <comment>operating system not reported by the agent</comment>
        <translation>不明</translation>
    </message>
    <message>
        <source>Other</source>
        <comment>operating systems beyond the most common ones</comment>
        <translation>その他</translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation>隔離中</translation>
    </message>
    <message>
        <source>No host is isolated.</source>
        <translation>隔離中のホストはありません。</translation>
    </message>
    <message>
        <source>Isolated now: %1</source>
        <translation>現在隔離中: %1</translation>
    </message>
</context>
<context>
    <name>yagura::console::EventsView</name>
    <message>
        <source>All categories</source>
        <translation>すべてのカテゴリ</translation>
    </message>
    <message>
        <source>Process starts</source>
        <translation>プロセス起動</translation>
    </message>
    <message>
        <source>Network connections</source>
        <translation>ネットワーク接続</translation>
    </message>
    <message>
        <source>File changes</source>
        <translation>ファイル変更</translation>
    </message>
    <message>
        <source>File deletions</source>
        <translation>ファイル削除</translation>
    </message>
    <message>
        <source>File renames</source>
        <translation>ファイル名変更</translation>
    </message>
    <message>
        <source>Logins and sudo</source>
        <translation>ログインと sudo</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>アラート</translation>
    </message>
    <message>
        <source>Text in any field (exact case)</source>
        <translation>いずれかの項目に含まれるテキスト (大文字と小文字を区別)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <source>More</source>
        <translation>さらに表示</translation>
    </message>
    <message>
        <source>Choose a host and a time range.</source>
        <translation>ホストと期間を選択してください。</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>カテゴリ</translation>
    </message>
    <message>
        <source>Seq</source>
        <translation>連番</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>From</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>to</source>
        <translation>～</translation>
    </message>
    <message>
        <source>Could not list the hosts: %1</source>
        <translation>ホストの一覧を取得できませんでした: %1</translation>
    </message>
    <message>
        <source>agent %1</source>
        <translation>エージェント %1</translation>
    </message>
    <message>
        <source>Choose a host first.</source>
        <translation>先にホストを選択してください。</translation>
    </message>
    <message>
        <source>The range ends before it starts.</source>
        <translation>期間の終了日時が開始日時より前になっています。</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>検索に失敗しました: %1</translation>
    </message>
    <message>
        <source>No events match.</source>
        <translation>条件に一致するイベントはありません。</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>イベント %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>; more with &quot;More&quot;</source>
        <translation>。[さらに表示] で続きを表示できます</translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · 隔離中</translation>
    </message>
</context>
<context>
    <name>yagura::console::ExceptionDialog</name>
    <message>
        <source>Exception from a false positive</source>
        <translation>誤検知からの例外作成</translation>
    </message>
    <message>
        <source>Rule &quot;%1&quot; will not raise alerts again where this exception applies. Its events are still recorded.</source>
        <translation>この例外が適用される範囲では、ルール「%1」によるアラートは発生しなくなります。イベントは引き続き記録されます。</translation>
    </message>
    <message>
        <source>This host (%1)</source>
        <translation>このホスト (%1)</translation>
    </message>
    <message>
        <source>Every host of its group</source>
        <translation>このホストが属するグループの全ホスト</translation>
    </message>
    <message>
        <source>Every host</source>
        <translation>すべてのホスト</translation>
    </message>
    <message>
        <source>Any executable, not only %1</source>
        <translation>%1 に限らず、すべての実行ファイル</translation>
    </message>
    <message>
        <source>Ends on</source>
        <translation>次の日時に終了</translation>
    </message>
    <message>
        <source>Why this is not a threat (required)</source>
        <translation>脅威ではないと判断した理由 (必須)</translation>
    </message>
    <message>
        <source>Create exception</source>
        <translation>例外を作成</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>適用範囲</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>yagura::console::ExceptionsPanel</name>
    <message>
        <source>Rule</source>
        <translation>ルール</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>適用範囲</translation>
    </message>
    <message>
        <source>Executable</source>
        <translation>実行ファイル</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <source>Silenced</source>
        <translation>抑制回数</translation>
    </message>
    <message>
        <source>By</source>
        <translation>作成者</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Show expired and revoked</source>
        <translation>期限切れ・失効済みも表示</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>失効させる…</translation>
    </message>
    <message>
        <source>Exceptions are made from a false positive in the Alerts view.</source>
        <translation>例外は、[アラート] 画面で誤検知のアラートから作成します。</translation>
    </message>
    <message>
        <source>Revoke exception</source>
        <translation>例外の失効</translation>
    </message>
    <message>
        <source>Why (kept in the audit log):</source>
        <translation>理由 (監査ログに記録されます):</translation>
    </message>
    <message>
        <source>Could not load the exceptions: %1</source>
        <translation>例外を読み込めませんでした: %1</translation>
    </message>
    <message>
        <source>host %1</source>
        <translation>ホスト %1</translation>
    </message>
    <message>
        <source>group %1</source>
        <translation>グループ %1</translation>
    </message>
    <message>
        <source>every host</source>
        <translation>すべてのホスト</translation>
    </message>
    <message>
        <source>any</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>no end</source>
        <translation>無期限</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>失効済み</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>期限切れ</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>Exception revoked: its rule alerts again.</source>
        <translation>例外を失効させました。対象のルールは再びアラートを発生させます。</translation>
    </message>
    <message>
        <source>Not revoked: %1</source>
        <translation>例外を失効させられませんでした: %1</translation>
    </message>
</context>
<context>
    <name>yagura::console::LoginDialog</name>
    <message>
        <source>Log in to Yagura</source>
        <translation>Yagura にログイン</translation>
    </message>
    <message>
        <source>40 characters, from the server&apos;s server.pub</source>
        <translation>サーバーの server.pub に記載されている 40 文字</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <source>Server key</source>
        <translation>サーバーキー</translation>
    </message>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>Use this computer&apos;s site</source>
        <translation>このコンピューターのサイトを使用</translation>
    </message>
    <message>
        <source>Connect to the single-machine site in %1, starting its server if it is not running.</source>
        <translation>%1 にある単一マシン構成のサイトに接続します。サーバーが起動していない場合は起動します。</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <source>&lt;b&gt;Yagura&lt;/b&gt; — on-premises endpoint protection</source>
        <translation>&lt;b&gt;Yagura&lt;/b&gt; — オンプレミス型エンドポイント保護</translation>
    </message>
    <message>
        <source>Enter the server address and your user name.</source>
        <translation>サーバーのアドレスとユーザー名を入力してください。</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>%1 に接続中…</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>ユーザー名またはパスワードが正しくありません。</translation>
    </message>
    <message>
        <source>The server does not answer. Check the address, the server key and that the server is running.</source>
        <translation>サーバーが応答しません。アドレスとサーバーキーが正しいこと、およびサーバーが稼働していることを確認してください。</translation>
    </message>
    <message>
        <source>Using the local site.</source>
        <translation>ローカルサイトを使用しています。</translation>
    </message>
    <message>
        <source>yagura-server is not installed on this computer.</source>
        <translation>このコンピューターには yagura-server がインストールされていません。</translation>
    </message>
    <message>
        <source>Could not start the local server.</source>
        <translation>ローカルサーバーを起動できませんでした。</translation>
    </message>
    <message>
        <source>Starting the local server…</source>
        <translation>ローカルサーバーを起動中…</translation>
    </message>
    <message>
        <source>The local server is running.</source>
        <translation>ローカルサーバーは稼働中です。</translation>
    </message>
    <message>
        <source>The local server did not start; see %1.</source>
        <translation>ローカルサーバーを起動できませんでした。%1 を確認してください。</translation>
    </message>
</context>
<context>
    <name>yagura::console::MainWindow</name>
    <message>
        <source>Dashboard</source>
        <translation>ダッシュボード</translation>
    </message>
    <message>
        <source>Assets</source>
        <translation>資産</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>アラート</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>対応</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>ポリシー</translation>
    </message>
    <message>
        <source>Vulnerabilities</source>
        <translation>脆弱性</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>コンプライアンス</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>監査</translation>
    </message>
    <message>
        <source>Exports</source>
        <translation>エクスポート</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Yagura Console</source>
        <translation>Yagura コンソール</translation>
    </message>
    <message>
        <source>The connection to the server is lost. Reconnecting… What you see may be out of date.</source>
        <translation>サーバーとの接続が切断されました。再接続中… 表示内容が最新でない可能性があります。</translation>
    </message>
    <message>
        <source>Vulnerability tracking is not built yet.</source>
        <translation>脆弱性管理機能はまだ実装されていません。</translation>
    </message>
    <message>
        <source>Compliance reporting is not built yet.</source>
        <translation>コンプライアンスレポート機能はまだ実装されていません。</translation>
    </message>
    <message>
        <source>Export bundles for the security provider are not built yet.</source>
        <translation>セキュリティプロバイダー向けのエクスポートバンドル機能はまだ実装されていません。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>ロック(&amp;L)</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>ログアウト(&amp;O)</translation>
    </message>
    <message>
        <source>You logged out.</source>
        <translation>ログアウトしました。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Yagura</source>
        <translation>Yagura について(&amp;A)</translation>
    </message>
    <message>
        <source>About Yagura</source>
        <translation>Yagura について</translation>
    </message>
    <message>
        <source>&lt;b&gt;Yagura&lt;/b&gt; 櫓 — on-premises endpoint protection.&lt;br&gt;Console for on-site security staff.</source>
        <translation>&lt;b&gt;Yagura&lt;/b&gt; 櫓 — オンプレミス型エンドポイント保護。&lt;br&gt;現場のセキュリティ担当者向けコンソールです。</translation>
    </message>
    <message>
        <source>&lt;h2&gt;The console is locked&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;コンソールはロックされています&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Enter your password to continue.</source>
        <translation>続行するには、パスワードを入力してください。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>ロック解除</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認中…</translation>
    </message>
    <message>
        <source>Wrong password.</source>
        <translation>パスワードが正しくありません。</translation>
    </message>
    <message>
        <source>%1 (%2) at %3</source>
        <translation>%1 (%2) - 接続先: %3</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>Analyst</source>
        <translation>アナリスト</translation>
    </message>
    <message>
        <source>Auditor</source>
        <translation>監査者</translation>
    </message>
    <message>
        <source>Your session has ended. Log in again.</source>
        <translation>セッションが終了しました。もう一度ログインしてください。</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>イベント</translation>
    </message>
</context>
<context>
    <name>yagura::console::NewUserDialog</name>
    <message>
        <source>New user</source>
        <translation>新規ユーザー</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Fill in a random password. It is shown once, and copied to the clipboard, after the user has been created.</source>
        <translation>ランダムなパスワードを入力します。このパスワードはユーザーの作成後に一度だけ表示され、クリップボードにコピーされます。</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>作成</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名前(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>ロール(&amp;R):</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>パスワード(&amp;P):</translation>
    </message>
    <message>
        <source>Con&amp;firm:</source>
        <translation>確認(&amp;F):</translation>
    </message>
    <message>
        <source>The system could not provide random numbers. Type a password.</source>
        <translation>システムから乱数を取得できませんでした。パスワードを入力してください。</translation>
    </message>
    <message numerus="yes">
        <source>A password needs at least %n characters.</source>
        <translation>
            <numerusform>パスワードは %n 文字以上にしてください。</numerusform>
        </translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>2 つのパスワードが一致しません。</translation>
    </message>
    <message>
        <source>The generated password is shown once after the user is created.</source>
        <translation>生成されたパスワードは、ユーザーの作成後に一度だけ表示されます。</translation>
    </message>
</context>
<context>
    <name>yagura::console::PoliciesView</name>
    <message>
        <source>Groups and policies</source>
        <translation>グループとポリシー</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>ルール</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>例外</translation>
    </message>
</context>
<context>
    <name>yagura::console::PolicyEditor</name>
    <message>
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>エージェント数</translation>
    </message>
    <message>
        <source>Policy version</source>
        <translation>ポリシーのバージョン</translation>
    </message>
    <message>
        <source>Applied by</source>
        <translation>適用済み</translation>
    </message>
    <message>
        <source>New group…</source>
        <translation>新規グループ…</translation>
    </message>
    <message>
        <source>Move agents here…</source>
        <translation>エージェントをこのグループに移動…</translation>
    </message>
    <message>
        <source>Agent groups</source>
        <translation>エージェントグループ</translation>
    </message>
    <message>
        <source>One absolute path per line; folders are watched with everything below them</source>
        <translation>1 行に 1 つずつ絶対パスを入力 (フォルダーは配下のすべてが監視対象)</translation>
    </message>
    <message>
        <source>Detect ransomware-like file activity</source>
        <translation>ランサムウェアに類似したファイル操作を検知</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <source>Why this change (kept in the history)</source>
        <translation>変更の理由 (履歴に記録されます)</translation>
    </message>
    <message>
        <source>Save as new version</source>
        <translation>新しいバージョンとして保存</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>判定時間</translation>
    </message>
    <message>
        <source>Files rewritten or renamed</source>
        <translation>書き換え・名前変更されたファイル数</translation>
    </message>
    <message>
        <source>Content entropy above (bits/byte)</source>
        <translation>内容のエントロピーのしきい値 (ビット/バイト)</translation>
    </message>
    <message>
        <source>Ransom notes</source>
        <translation>ランサムノート</translation>
    </message>
    <message>
        <source>Rule packs</source>
        <translation>ルールパック</translation>
    </message>
    <message>
        <source>Watched files and folders</source>
        <translation>監視対象のファイルとフォルダー</translation>
    </message>
    <message>
        <source>Ransomware</source>
        <translation>ランサムウェア</translation>
    </message>
    <message>
        <source>Offline spool budget</source>
        <translation>オフライン時のスプール上限</translation>
    </message>
    <message>
        <source>Keep telemetry on the server</source>
        <translation>サーバーでのテレメトリ保存期間</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>コメント</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>ポリシー</translation>
    </message>
    <message>
        <source>Only administrators change policies.</source>
        <translation>ポリシーを変更できるのは管理者のみです。</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>Runs version</source>
        <translation>適用中のバージョン</translation>
    </message>
    <message>
        <source>Should run</source>
        <translation>適用予定のバージョン</translation>
    </message>
    <message>
        <source>Versions (select one to see what it changed)</source>
        <translation>バージョン (選択すると変更内容が表示されます)</translation>
    </message>
    <message>
        <source>Agents of the group</source>
        <translation>グループのエージェント</translation>
    </message>
    <message>
        <source>Could not load the groups: %1</source>
        <translation>グループを読み込めませんでした: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 (%2 rules for Linux agents)</source>
        <translation>%1 (Linux エージェント向けルール %2 件)</translation>
    </message>
    <message>
        <source>Group %1 has no policy yet; its agents keep the last one they ran. Saving gives it one.</source>
        <translation>グループ %1 にはまだポリシーがありません。所属するエージェントは、最後に適用したポリシーを引き続き使用します。保存すると、このグループにポリシーが設定されます。</translation>
    </message>
    <message>
        <source>Could not load the policy: %1</source>
        <translation>ポリシーを読み込めませんでした: %1</translation>
    </message>
    <message>
        <source>Version %1, saved by %2 on %3</source>
        <translation>バージョン %1 (%3 に %2 が保存)</translation>
    </message>
    <message>
        <source>Watched path &quot;%1&quot; must be absolute, without &quot;..&quot;.</source>
        <translation>監視対象のパス「%1」は、「..」を含まない絶対パスで指定してください。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>保存できませんでした: %1</translation>
    </message>
    <message>
        <source>Saved as version %1; the group&apos;s agents fetch it now.</source>
        <translation>バージョン %1 として保存しました。グループのエージェントは、このバージョンを直ちに取得します。</translation>
    </message>
    <message>
        <source>Version %1 · %2 · %3</source>
        <translation>バージョン %1 · %2 · %3</translation>
    </message>
    <message>
        <source>No versions yet.</source>
        <translation>バージョンはまだありません。</translation>
    </message>
    <message>
        <source>The group&apos;s first version:</source>
        <translation>グループの最初のバージョン:</translation>
    </message>
    <message>
        <source>Changes from version %1 to %2:</source>
        <translation>バージョン %1 から %2 への変更点:</translation>
    </message>
    <message>
        <source>(the same settings: saved again because its rule packs changed)</source>
        <translation>(設定に変更はありません。ルールパックが変更されたため再保存されました)</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>まだなし</translation>
    </message>
    <message>
        <source>Not applied yet: the agent is offline or fetching it</source>
        <translation>未適用: エージェントがオフラインか、ポリシーを取得中です</translation>
    </message>
    <message>
        <source>New group</source>
        <translation>新規グループ</translation>
    </message>
    <message>
        <source>Name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;):</source>
        <translation>名前 (半角英数字と &apos;.&apos;、&apos;-&apos;、&apos;_&apos;):</translation>
    </message>
    <message>
        <source>Group not created: %1</source>
        <translation>グループを作成できませんでした: %1</translation>
    </message>
    <message>
        <source>Group %1 created.</source>
        <translation>グループ %1 を作成しました。</translation>
    </message>
    <message>
        <source>Could not list agents: %1</source>
        <translation>エージェントの一覧を取得できませんでした: %1</translation>
    </message>
    <message>
        <source>Move agents to %1</source>
        <translation>エージェントを %1 に移動</translation>
    </message>
    <message>
        <source>%1 (now in %2)</source>
        <translation>%1 (現在: %2)</translation>
    </message>
    <message>
        <source>They run this group&apos;s policy from their next contact.</source>
        <translation>移動したエージェントは、次回の通信時からこのグループのポリシーを適用します。</translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>移動できませんでした: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n agent(s) moved to %1.</source>
        <translation>
            <numerusform>エージェント %n 台を %1 に移動しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · isolated</source>
        <translation>%1 · 隔離中</translation>
    </message>
</context>
<context>
    <name>yagura::console::ResponseDialog</name>
    <message>
        <source>%1 on %2</source>
        <translation>%2 で%1</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>ホスト:</translation>
    </message>
    <message>
        <source>Absolute path of the file on the host</source>
        <translation>ホスト上のファイルの絶対パス</translation>
    </message>
    <message>
        <source>Process list</source>
        <translation>プロセス一覧</translation>
    </message>
    <message>
        <source>Network connections</source>
        <translation>ネットワーク接続</translation>
    </message>
    <message>
        <source>File hashes and metadata</source>
        <translation>ファイルのハッシュとメタデータ</translation>
    </message>
    <message>
        <source>The file itself (up to 8 MiB)</source>
        <translation>ファイル本体 (最大 8 MiB)</translation>
    </message>
    <message>
        <source>Collect:</source>
        <translation>収集対象:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>ファイル:</translation>
    </message>
    <message>
        <source>Asking the server what this will do…</source>
        <translation>実行内容をサーバーに確認しています…</translation>
    </message>
    <message>
        <source>Why (required; recorded in the audit log)</source>
        <translation>理由 (必須、監査ログに記録されます)</translation>
    </message>
    <message>
        <source>%1 now</source>
        <translation>%1を実行</translation>
    </message>
    <message>
        <source>What will happen:</source>
        <translation>実行される内容:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由:</translation>
    </message>
    <message>
        <source>Allowed: loopback (this host to itself)</source>
        <translation>許可: ループバック (このホスト自身への通信)</translation>
    </message>
    <message>
        <source>Allowed: the agent&apos;s connection to the site server %1 tcp/%2</source>
        <translation>許可: エージェントからサイトサーバー %1 tcp/%2 への接続</translation>
    </message>
    <message>
        <source>Allowed: IPv6 neighbour discovery (needed to reach any IPv6 address)</source>
        <translation>許可: IPv6 近隣探索 (IPv6 で通信するために必要)</translation>
    </message>
    <message>
        <source>Allowed: DHCP and DHCPv6 address leases</source>
        <translation>許可: DHCP と DHCPv6 によるアドレス取得</translation>
    </message>
    <message>
        <source>Allowed: this host to %1 %2/%3</source>
        <translation>許可: このホストから %1 %2/%3 への通信</translation>
    </message>
    <message>
        <source>Allowed: %1 to this host&apos;s %2/%3</source>
        <translation>許可: %1 からこのホストの %2/%3 への通信</translation>
    </message>
    <message>
        <source>Blocked: everything else, IPv4 and IPv6, in, out and forwarded, including connections already open</source>
        <translation>遮断: 上記以外のすべての通信 (IPv4 と IPv6、受信・送信・転送、確立済みの接続を含む)</translation>
    </message>
    <message>
        <source>Safe apply: rolled back unless the agent reaches the server within %1 s</source>
        <translation>安全適用: %1 秒以内にエージェントがサーバーに到達できなければ元に戻します</translation>
    </message>
    <message>
        <source>Safe apply: off (stays in force even if the server is lost)</source>
        <translation>安全適用: オフ (サーバーに到達できなくても隔離を維持)</translation>
    </message>
    <message>
        <source>Checked every %1 s and restored (with an alert) if changed; kept across reboots</source>
        <translation>%1 秒ごとに確認し、変更されていればアラートを発生させて復元します。再起動後も維持されます</translation>
    </message>
    <message>
        <source>nftables rules:</source>
        <translation>nftables ルール:</translation>
    </message>
    <message>
        <source>Removes Yagura&apos;s isolation table (and nothing else): the host&apos;s own firewall stays as it is.</source>
        <translation>Yagura の隔離テーブルのみを削除します。ホスト本来のファイアウォール設定はそのまま残ります。</translation>
    </message>
    <message>
        <source>Kills process %1 (started at tick %2) and every process below it.</source>
        <translation>プロセス %1 (開始ティック %2) と、その配下のすべてのプロセスを強制終了します。</translation>
    </message>
    <message>
        <source>Kills process %1 (started at tick %2). A process that reuses the id is left alone.</source>
        <translation>プロセス %1 (開始ティック %2) を強制終了します。同じ ID を再利用した別のプロセスは対象外です。</translation>
    </message>
    <message>
        <source>Moves %1 into the host&apos;s encrypted quarantine; it can be restored with its owner and mode.</source>
        <translation>%1 をホストの暗号化された隔離保管領域に移動します。所有者とパーミッションを保ったまま復元できます。</translation>
    </message>
    <message>
        <source>Puts quarantined file %1 back where it was; nothing is overwritten.</source>
        <translation>隔離保管したファイル %1 を元の場所に戻します。既存のファイルは上書きしません。</translation>
    </message>
    <message>
        <source>Collects %1 and stores it on the server.</source>
        <translation>%1 を収集してサーバーに保存します。</translation>
    </message>
    <message>
        <source>Allowed: DNS queries (tcp and udp port 53) to the host&apos;s own resolvers</source>
        <translation>許可: ホスト自身の DNS サーバーへの DNS 問い合わせ (tcp/udp ポート 53)</translation>
    </message>
</context>
<context>
    <name>yagura::console::ResponseView</name>
    <message>
        <source>Commands</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>ホスト</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>隔離保管日時</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>復元…</translation>
    </message>
    <message>
        <source>Quarantine</source>
        <translation>隔離保管</translation>
    </message>
</context>
<context>
    <name>yagura::console::RulesPanel</name>
    <message>
        <source>loaded</source>
        <translation>読み込み済み</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>重複</translation>
    </message>
    <message>
        <source>not supported</source>
        <translation>未対応</translation>
    </message>
    <message>
        <source>Pack</source>
        <translation>ルールパック</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>ルール数</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>読み込み済み</translation>
    </message>
    <message>
        <source>Not loaded</source>
        <translation>未読み込み</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>For Linux agents</source>
        <translation>Linux エージェント向け</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>インポート</translation>
    </message>
    <message>
        <source>Import rules…</source>
        <translation>ルールをインポート…</translation>
    </message>
    <message>
        <source>All rules</source>
        <translation>すべてのルール</translation>
    </message>
    <message>
        <source>Not supported</source>
        <translation>未対応</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重複</translation>
    </message>
    <message>
        <source>Search title, id or file</source>
        <translation>タイトル、ID、ファイルで検索</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>有効にする</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>無効にする</translation>
    </message>
    <message>
        <source>On</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>重大度</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>タイトル</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Why not</source>
        <translation>未読み込みの理由</translation>
    </message>
    <message>
        <source>Select a rule to read it</source>
        <translation>ルールを選択すると内容が表示されます</translation>
    </message>
    <message>
        <source>Could not load the rule packs: %1</source>
        <translation>ルールパックを読み込めませんでした: %1</translation>
    </message>
    <message>
        <source>ships with Yagura</source>
        <translation>Yagura に同梱</translation>
    </message>
    <message>
        <source>%1 by %2</source>
        <translation>%1 (実行者: %2)</translation>
    </message>
    <message>
        <source>Could not load the rules: %1</source>
        <translation>ルールを読み込めませんでした: %1</translation>
    </message>
    <message>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source>Showing %1 of %2 rules: narrow the search to see the others.</source>
        <translation>ルール %2 件中 %1 件を表示しています。残りを表示するには、検索条件を絞り込んでください。</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>変更できませんでした: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) enabled; the policies using the pack have a new version.</source>
        <translation>
            <numerusform>ルール %n 件を有効にしました。このルールパックを使用するポリシーに新しいバージョンが作成されました。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) disabled; the policies using the pack have a new version.</source>
        <translation>
            <numerusform>ルール %n 件を無効にしました。このルールパックを使用するポリシーに新しいバージョンが作成されました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Folder of Sigma rules</source>
        <translation>Sigma ルールのフォルダー</translation>
    </message>
    <message>
        <source>Archive of Sigma rules</source>
        <translation>Sigma ルールのアーカイブ</translation>
    </message>
    <message>
        <source>Archives (*.tar *.tar.gz *.tgz *.tar.xz *.zip)</source>
        <translation>アーカイブ (*.tar *.tar.gz *.tgz *.tar.xz *.zip)</translation>
    </message>
    <message>
        <source>Import rules</source>
        <translation>ルールのインポート</translation>
    </message>
    <message>
        <source>Pack name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;); an existing pack is replaced:</source>
        <translation>パック名 (半角英数字と &apos;.&apos;、&apos;-&apos;、&apos;_&apos;)。同名の既存パックは置き換えられます:</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>インポートできませんでした: %1</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>%1 をインポート中…</translation>
    </message>
    <message>
        <source>Import stopped: %1. The pack is unchanged.</source>
        <translation>インポートが中断されました: %1。ルールパックは変更されていません。</translation>
    </message>
    <message>
        <source>Pack %1: %2 rules loaded, %3 not loaded, %4 for Linux agents.</source>
        <translation>ルールパック %1: 読み込み済み %2 件、未読み込み %3 件、Linux エージェント向け %4 件。</translation>
    </message>
</context>
<context>
    <name>yagura::console::SettingsView</name>
    <message>
        <source>General</source>
        <translation>全般</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <source>The language changes after the console restarts.</source>
        <translation>言語の変更は、コンソールの再起動後に反映されます。</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>After this long without input the console locks and asks for the password again.</source>
        <translation>入力がないままこの時間が経過すると、コンソールがロックされ、パスワードの再入力が求められます。</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Passwords copied by the console are removed from the clipboard after this long.</source>
        <translation>コンソールでコピーしたパスワードは、この時間が経過するとクリップボードから削除されます。</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <source>Lock when idle &amp;after:</source>
        <translation>無操作時にロックするまでの時間(&amp;A):</translation>
    </message>
    <message>
        <source>Clear copied &amp;passwords after:</source>
        <translation>コピーしたパスワードを消去するまでの時間(&amp;P):</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>ユーザー</translation>
    </message>
</context>
<context>
    <name>yagura::console::UsersPanel</name>
    <message>
        <source>Admin</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>Analyst</source>
        <translation>アナリスト</translation>
    </message>
    <message>
        <source>Auditor</source>
        <translation>監査者</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>ロール</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>パスワード変更日</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>新規ユーザー…</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>ロールを変更…</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>パスワードをリセット…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>無効にする</translation>
    </message>
    <message>
        <source>This is you.</source>
        <translation>ログイン中のあなた自身のアカウントです。</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>無効</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>有効にする</translation>
    </message>
    <message>
        <source>The system could not provide random numbers for a password.</source>
        <translation>システムからパスワード用の乱数を取得できませんでした。</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>パスワードのリセット</translation>
    </message>
    <message>
        <source>Give %1 a new, generated password? The current password stops working and their open sessions end.</source>
        <translation>%1 に新しく生成したパスワードを設定しますか？現在のパスワードは使用できなくなり、開いているセッションは終了します。</translation>
    </message>
    <message>
        <source>Disable user</source>
        <translation>ユーザーの無効化</translation>
    </message>
    <message>
        <source>Disable %1? They can no longer log in, and their open sessions end now.</source>
        <translation>%1 を無効にしますか？このユーザーはログインできなくなり、開いているセッションは直ちに終了します。</translation>
    </message>
    <message>
        <source>Enable user</source>
        <translation>ユーザーの有効化</translation>
    </message>
    <message>
        <source>Enable %1? They can log in again with their current password.</source>
        <translation>%1 を有効にしますか？現在のパスワードで再びログインできるようになります。</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>ロールの変更</translation>
    </message>
    <message>
        <source>Role for %1:</source>
        <translation>%1 のロール:</translation>
    </message>
    <message>
        <source>Password for %1</source>
        <translation>%1 のパスワード</translation>
    </message>
    <message numerus="yes">
        <source>The password for %1 is:

%2

It has been copied to the clipboard, which is cleared in %n second(s). It is not shown again.</source>
        <translation>
            <numerusform>%1 のパスワード:

%2

このパスワードはクリップボードにコピーされました。クリップボードは %n 秒後に消去されます。このパスワードは再表示されません。</numerusform>
        </translation>
    </message>
</context>
</TS>
