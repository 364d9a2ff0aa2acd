#!/usr/bin/env bash
# The two things a developer (and CI) does: start the product on its embedded default, or build
# and run every test. Each installs what is missing first, so either works on a fresh machine.
#
#   scripts/dev.sh start   install, build, initialise a local site, start the server and a real
#                          agent on this machine, print how to log in
#   scripts/dev.sh test    install, build, run every test with ctest
#   scripts/dev.sh stop    stop the local server and agent started by 'start'
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${YAGURA_BUILD_DIR:-$ROOT/build}"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}/yagura"
SITE="$DATA_HOME/site"
AGENT_STATE="$DATA_HOME/agent"
PASSWORD_FILE="$DATA_HOME/initial-admin-password"

build() {
    "$ROOT/scripts/install-deps.sh"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BUILD" --parallel "$(nproc)"
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    build
    local server="$BUILD/app/server/yagura-server" agent="$BUILD/agent/yagura-agent"
    local ctl="$BUILD/app/ctl/yagura-ctl"
    mkdir -p "$DATA_HOME" && chmod 700 "$DATA_HOME"

    if [[ ! -f "$SITE/site.db" ]]; then
        (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$PASSWORD_FILE")
        "$server" init --data-dir "$SITE" --admin-password-file "$PASSWORD_FILE"
    fi

    if ! alive "$DATA_HOME/server.pid"; then
        rm -f "$SITE/run/endpoints.json"
        nohup "$server" run --data-dir "$SITE" --agent-bind tcp://127.0.0.1:7420 \
            --enrol-bind tcp://127.0.0.1:7421 --operator-bind tcp://127.0.0.1:7422 \
            >>"$DATA_HOME/server.log" 2>&1 &
        echo $! >"$DATA_HOME/server.pid"
        for _ in $(seq 50); do
            [[ -f "$SITE/run/endpoints.json" ]] && break
            alive "$DATA_HOME/server.pid" || { tail -n 5 "$DATA_HOME/server.log"; exit 1; }
            sleep 0.2
        done
    fi

    if [[ ! -f "$AGENT_STATE/enrolment.json" ]]; then
        local token
        token="$("$server" token create --data-dir "$SITE" --auto-accept --expires 10m)"
        "$agent" enroll --token "$token" --state-dir "$AGENT_STATE"
    fi
    if ! alive "$DATA_HOME/agent.pid"; then
        nohup "$agent" run --state-dir "$AGENT_STATE" >>"$DATA_HOME/agent.log" 2>&1 &
        echo $! >"$DATA_HOME/agent.pid"
    fi

    cat <<INFO

Yagura is running on this machine (server and a real agent; logs in $DATA_HOME).
  Log in:      $ctl --data-dir $SITE login --user admin --password-file $PASSWORD_FILE
  Agents:      $ctl agents list
  This host:   $ctl assets show 1
  Audit:       $ctl audit verify
  Stop:        $ROOT/scripts/dev.sh stop
The first administrator is 'admin'; the password is in $PASSWORD_FILE (mode 0600).
INFO
    local console="$BUILD/app/console/yagura-console"
    if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
        echo "Opening the console, logged in as admin…"
        nohup "$console" --data-dir "$SITE" --user admin --password-file "$PASSWORD_FILE" \
            >>"$DATA_HOME/console.log" 2>&1 &
    else
        echo "No display here: run the console on a desktop with"
        echo "  $console --data-dir $SITE --user admin --password-file $PASSWORD_FILE"
    fi
}

stop() {
    for name in agent server; do
        if alive "$DATA_HOME/$name.pid"; then
            kill "$(cat "$DATA_HOME/$name.pid")"
            echo "stopped the $name"
        fi
        rm -f "$DATA_HOME/$name.pid"
    done
}

run_tests() {
    build
    cd "$BUILD"
    ctest --output-on-failure --parallel 2 --timeout 120
}

case "${1:-}" in
start) start ;;
stop) stop ;;
test) run_tests ;;
*)
    echo "usage: scripts/dev.sh start|test|stop" >&2
    exit 2
    ;;
esac
