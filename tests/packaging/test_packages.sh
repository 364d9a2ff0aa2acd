#!/usr/bin/env bash
# packaging.debs — build the Debian packages with CPack and check them.
#
#   test_packages.sh BUILD_DIR SOURCE_DIR
#
# Always: run `cpack -G DEB` for BUILD_DIR into a temporary directory, and check that exactly
# the packages yagura-server and yagura-agent come out, with the expected control data,
# maintainer scripts, files and systemd units.
# As root, additionally: install both packages, run the installed programs, check the
# `yagura` account and the data/state directories, `systemd-analyze verify` the installed
# units, initialise and run a site as `yagura` the way the unit does, enrol the installed
# agent with it into the packaged state directory, stop the server with SIGTERM, then purge
# both packages (always, from an EXIT trap) so the machine is left as it was.
# Without root the install part is skipped: exit 77 (SKIP_RETURN_CODE).
#
# Every failure prints one line starting with "FAIL:" (after any captured log) and exits 1.
set -uo pipefail

BUILD_DIR=${1:-}
SOURCE_DIR=${2:-}

fail() {
    echo "FAIL: $*"
    exit 1
}

# Print the tail of a captured log (indented), then fail.
fail_with_log() {
    local log=$1
    shift
    if [[ -s $log ]]; then
        tail -n 40 "$log" | sed 's/^/    | /'
    fi
    fail "$@"
}

[[ -n $BUILD_DIR && -n $SOURCE_DIR ]] || fail "usage: $0 BUILD_DIR SOURCE_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || fail "build directory '$1' does not exist"
SOURCE_DIR=$(cd "$SOURCE_DIR" 2>/dev/null && pwd) || fail "source directory '$2' does not exist"
[[ -f $BUILD_DIR/CPackConfig.cmake ]] ||
    fail "no CPackConfig.cmake in $BUILD_DIR (is installer/ configured?)"
for tool in cpack dpkg-deb; do
    command -v "$tool" >/dev/null || fail "'$tool' is not installed"
done

WORK=$(mktemp -d /tmp/yagura-packaging.XXXXXX) || fail "cannot create a temporary directory"
IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1
INSTALLED=0          # set once dpkg -i has been attempted: the trap must purge
CREATED_USER=0       # the yagura account did not exist before this test
SERVER_PID=

# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
    local rc=$?
    local problem=
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if ((INSTALLED)); then
        if ! dpkg --purge yagura-server yagura-agent >"$WORK/purge.log" 2>&1; then
            problem="dpkg --purge yagura-server yagura-agent failed"
        else
            local pkg
            for pkg in yagura-server yagura-agent; do
                if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qv 'not-installed'; then
                    problem="$pkg is still known to dpkg after --purge"
                fi
            done
            local dir
            for dir in /var/lib/yagura-server /var/lib/yagura-agent; do
                [[ -e $dir ]] && problem="$dir still exists after dpkg --purge"
            done
        fi
        # The package keeps its system user on purge (Debian practice); the test removes it
        # only if it created it.
        if ((CREATED_USER)) && getent passwd yagura >/dev/null; then
            userdel yagura >/dev/null 2>&1 || problem="cannot remove the test's 'yagura' user"
            getent group yagura >/dev/null && groupdel yagura >/dev/null 2>&1
        fi
    fi
    if [[ -n $problem ]]; then
        [[ -s $WORK/purge.log ]] && sed 's/^/    | /' "$WORK/purge.log"
        echo "FAIL: cleanup: $problem"
        rc=1
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- Build the packages ---------------------------------------------------------------------
VERSION=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$BUILD_DIR/CPackConfig.cmake")
[[ -n $VERSION ]] || fail "no CPACK_PACKAGE_VERSION in $BUILD_DIR/CPackConfig.cmake"

OUT=$WORK/out
if ! (cd "$BUILD_DIR" && cpack -G DEB -B "$OUT") >"$WORK/cpack.log" 2>&1; then
    fail_with_log "$WORK/cpack.log" "cpack -G DEB failed in $BUILD_DIR"
fi

mapfile -t DEBS < <(find "$OUT" -maxdepth 1 -name '*.deb' -printf '%f\n' | sort)
((${#DEBS[@]} == 3)) ||
    fail "expected exactly 3 .deb files, cpack made ${#DEBS[@]}: ${DEBS[*]:-none}"
SERVER_DEB=
AGENT_DEB=
CONSOLE_DEB=
for deb in "${DEBS[@]}"; do
    case $deb in
        yagura-server_*.deb) SERVER_DEB=$OUT/$deb ;;
        yagura-agent_*.deb) AGENT_DEB=$OUT/$deb ;;
        yagura-console_*.deb) CONSOLE_DEB=$OUT/$deb ;;
    esac
done
[[ -n $CONSOLE_DEB ]] || fail "no yagura-console_*.deb among: ${DEBS[*]}"
# The console package carries the program, its desktop entry and its icon.
dpkg-deb -c "$CONSOLE_DEB" >"$WORK/console.contents" || fail "dpkg-deb -c console failed"
for path in ./usr/bin/yagura-console ./usr/share/applications/yagura-console.desktop \
    ./usr/share/icons/hicolor/scalable/apps/yagura-console.svg; do
    grep -q " $path\$" "$WORK/console.contents" || fail "the console package lacks $path"
done
[[ -n $SERVER_DEB ]] || fail "no yagura-server_*.deb among: ${DEBS[*]}"
[[ -n $AGENT_DEB ]] || fail "no yagura-agent_*.deb among: ${DEBS[*]}"
ARCH=$(dpkg --print-architecture)
for deb in "$SERVER_DEB" "$AGENT_DEB"; do
    [[ $(basename "$deb") =~ ^yagura-(server|agent)_${VERSION//./\\.}-[0-9]+_${ARCH}\.deb$ ]] ||
        fail "$(basename "$deb") is not named <package>_${VERSION}-<release>_${ARCH}.deb"
done

# --- Control data -----------------------------------------------------------------------------
# depends_on DEB PACKAGE: the Depends field names PACKAGE.
depends_on() {
    dpkg-deb -f "$1" Depends | tr ',|' '\n' | sed 's/^ *//; s/[ (].*//' | grep -qx "$2"
}

# check_control DEB PACKAGE: fields common to both packages.
check_control() {
    local deb=$1 pkg=$2 name
    name=$(basename "$deb")
    dpkg-deb -I "$deb" >"$WORK/$pkg.info" 2>&1 || fail_with_log "$WORK/$pkg.info" "dpkg-deb -I $name failed"
    field() { dpkg-deb -f "$deb" "$1"; }
    [[ $(field Package) == "$pkg" ]] || fail "$name: Package is '$(field Package)', expected $pkg"
    [[ $(field Version) == "$VERSION"-* ]] || fail "$name: Version '$(field Version)' is not $VERSION-<release>"
    [[ $(field Architecture) == "$ARCH" ]] || fail "$name: Architecture '$(field Architecture)' is not $ARCH"
    [[ $(field Section) == admin ]] || fail "$name: Section is '$(field Section)', expected admin"
    [[ -n $(field Maintainer) ]] || fail "$name: no Maintainer"
    [[ $(field Description) == *Yagura* ]] || fail "$name: Description does not describe Yagura"
    # dpkg-shlibdeps ran: the C library is among the dependencies.
    depends_on "$deb" libc6 || fail "$name: Depends '$(field Depends)' lacks libc6 (did dpkg-shlibdeps run?)"
    mkdir -p "$WORK/control/$pkg"
    dpkg-deb -e "$deb" "$WORK/control/$pkg" || fail "dpkg-deb -e $name failed"
    local script
    for script in postinst prerm postrm; do
        local path=$WORK/control/$pkg/$script
        [[ -f $path ]] || fail "$name: no $script maintainer script"
        [[ -x $path ]] || fail "$name: $script is not executable"
        head -n 1 "$path" | grep -qx '#!/bin/sh' || fail "$name: $script does not start with #!/bin/sh"
        grep -qx 'set -e' "$path" || fail "$name: $script does not 'set -e'"
        sh -n "$path" 2>/dev/null || fail "$name: $script has a shell syntax error"
        cmp -s "$path" "$SOURCE_DIR/installer/debian/${pkg#yagura-}/$script" ||
            fail "$name: $script differs from installer/debian/${pkg#yagura-}/$script"
    done
}
check_control "$SERVER_DEB" yagura-server
check_control "$AGENT_DEB" yagura-agent
depends_on "$SERVER_DEB" adduser ||
    fail "$(basename "$SERVER_DEB"): Depends lacks adduser (its postinst needs it)"

# --- Contents ---------------------------------------------------------------------------------
UNIT_DIR_RE='\./(usr/)?lib/systemd/system'
# check_contents DEB PACKAGE: expected files, root-owned, programs executable; nothing else's.
check_contents() {
    local deb=$1 pkg=$2 name listing
    name=$(basename "$deb")
    listing=$WORK/$pkg.contents
    dpkg-deb -c "$deb" >"$listing" 2>&1 || fail_with_log "$listing" "dpkg-deb -c $name failed"
    shift 2
    local want
    for want in "$@"; do
        grep -Eq " ${want}\$" "$listing" || fail "$name does not contain ${want//\\/}"
    done
    if awk '$2 != "root/root"' "$listing" | grep -q .; then
        fail "$name has files not owned by root/root: $(awk '$2 != "root/root" {print $6; exit}' "$listing")"
    fi
}
check_contents "$SERVER_DEB" yagura-server \
    '\./usr/bin/yagura-server' '\./usr/bin/yagura-ctl' "$UNIT_DIR_RE/yagura-server\\.service"
check_contents "$AGENT_DEB" yagura-agent \
    '\./usr/sbin/yagura-agent' "$UNIT_DIR_RE/yagura-agent\\.service"
grep -Eq '^-rwxr-xr-x .* \./usr/bin/yagura-server$' "$WORK/yagura-server.contents" ||
    fail "yagura-server is not installed 0755"
grep -Eq '^-rwxr-xr-x .* \./usr/bin/yagura-ctl$' "$WORK/yagura-server.contents" ||
    fail "yagura-ctl is not installed 0755"
grep -Eq '^-rwxr-xr-x .* \./usr/sbin/yagura-agent$' "$WORK/yagura-agent.contents" ||
    fail "yagura-agent is not installed 0755"
grep -q 'yagura-agent' "$WORK/yagura-server.contents" && fail "the server package contains agent files"
grep -Eq 'yagura-(server|ctl)' "$WORK/yagura-agent.contents" && fail "the agent package contains server files"

# The packaged units are the ones in the source tree.
mkdir -p "$WORK/tree"
for deb in "$SERVER_DEB" "$AGENT_DEB"; do
    dpkg-deb -x "$deb" "$WORK/tree" || fail "dpkg-deb -x $(basename "$deb") failed"
done
for unit in yagura-server.service yagura-agent.service; do
    packaged=$(find "$WORK/tree" -path "*/lib/systemd/system/$unit" | head -n 1)
    [[ -n $packaged ]] || fail "$unit not found in the extracted packages"
    cmp -s "$packaged" "$SOURCE_DIR/installer/systemd/$unit" ||
        fail "the packaged $unit differs from installer/systemd/$unit"
done

echo "ok: $(basename "$SERVER_DEB") and $(basename "$AGENT_DEB") built and checked"

if ((!IS_ROOT)); then
    echo "SKIP: installing packages needs root"
    exit 77
fi

# --- Install (root) ---------------------------------------------------------------------------
command -v dpkg >/dev/null || fail "'dpkg' is not installed"
for pkg in yagura-server yagura-agent; do
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qv 'not-installed'; then
        fail "$pkg is already installed on this machine; refusing to install and purge over it"
    fi
done
for dir in /var/lib/yagura-server /var/lib/yagura-agent; do
    [[ -e $dir ]] && fail "$dir already exists; refusing to run (the test purges it)"
done
getent passwd yagura >/dev/null || CREATED_USER=1

INSTALLED=1
if ! dpkg -i "$SERVER_DEB" "$AGENT_DEB" >"$WORK/install.log" 2>&1; then
    fail_with_log "$WORK/install.log" "dpkg -i of both packages failed (missing runtime dependencies?)"
fi
for pkg in yagura-server yagura-agent; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
    [[ $status == "install ok installed" ]] || fail "$pkg is '$status' after dpkg -i"
done

# The installed programs run from their installed paths (libraries resolve, no build tree).
check_version() {
    local program=$1 name out
    name=$(basename "$program")
    [[ -x $program ]] || fail "$program is not installed or not executable"
    out=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$program" --version 2>&1) ||
        fail "$program --version failed: $out"
    [[ $out == *"$name $VERSION"* ]] || fail "$program --version printed '$out', expected '$name $VERSION'"
}
check_version /usr/bin/yagura-server
check_version /usr/bin/yagura-ctl
check_version /usr/sbin/yagura-agent

# The service account and the directories the postinst scripts create.
IFS=: read -r _ _ YAGURA_UID YAGURA_GID _ YAGURA_HOME YAGURA_SHELL < <(getent passwd yagura) ||
    fail "postinst did not create the 'yagura' user"
getent group yagura >/dev/null || fail "postinst did not create the 'yagura' group"
[[ $(getent group yagura | cut -d: -f3) == "$YAGURA_GID" ]] || fail "'yagura' user's primary group is not 'yagura'"
if ((CREATED_USER)); then
    ((YAGURA_UID < 1000)) || fail "'yagura' is not a system user (uid $YAGURA_UID)"
    [[ $YAGURA_HOME == /var/lib/yagura-server ]] || fail "'yagura' home is $YAGURA_HOME, expected /var/lib/yagura-server"
    [[ $YAGURA_SHELL == */nologin || $YAGURA_SHELL == */false ]] || fail "'yagura' has a login shell ($YAGURA_SHELL)"
fi
[[ $(stat -c '%U:%G %a' /var/lib/yagura-server 2>/dev/null) == "yagura:yagura 750" ]] ||
    fail "/var/lib/yagura-server is '$(stat -c '%U:%G %a' /var/lib/yagura-server 2>&1)', expected yagura:yagura 750"
[[ $(stat -c '%U:%G %a' /var/lib/yagura-agent 2>/dev/null) == "root:root 700" ]] ||
    fail "/var/lib/yagura-agent is '$(stat -c '%U:%G %a' /var/lib/yagura-agent 2>&1)', expected root:root 700"

# postinst is idempotent: configuring again changes nothing and succeeds.
for pkg in yagura-server yagura-agent; do
    /var/lib/dpkg/info/$pkg.postinst configure "$VERSION" >"$WORK/reconf.log" 2>&1 ||
        fail_with_log "$WORK/reconf.log" "running $pkg postinst a second time failed"
done
[[ $(stat -c '%U:%G %a' /var/lib/yagura-server) == "yagura:yagura 750" ]] ||
    fail "a second postinst run changed /var/lib/yagura-server"

# --- Units ------------------------------------------------------------------------------------
command -v systemd-analyze >/dev/null || fail "'systemd-analyze' is not installed"
for unit in yagura-server.service yagura-agent.service; do
    [[ -f /lib/systemd/system/$unit ]] || fail "/lib/systemd/system/$unit is not installed"
done
systemd-analyze verify /lib/systemd/system/yagura-server.service \
    /lib/systemd/system/yagura-agent.service >"$WORK/verify.log" 2>&1
verify_rc=$?
if grep -q 'yagura-' "$WORK/verify.log"; then
    fail_with_log "$WORK/verify.log" "systemd-analyze verify: $(grep -m1 'yagura-' "$WORK/verify.log")"
fi
((verify_rc == 0)) || fail_with_log "$WORK/verify.log" "systemd-analyze verify exited with $verify_rc"
for unit in yagura-server.service yagura-agent.service; do
    exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "/lib/systemd/system/$unit")
    [[ -x $exec_start ]] || fail "$unit: ExecStart program $exec_start is not installed"
done
grep -qx 'User=yagura' /lib/systemd/system/yagura-server.service || fail "yagura-server.service does not run as yagura"

# --- Smoke run of the installed server, as the unit runs it --------------------------------------
# As user yagura, in a fresh data directory (the packaged one is left alone until purge).
# as_yagura replaces the calling (sub)shell with the program: setpriv and env exec it
# directly (unlike runuser), so $! below is the server and SIGTERM reaches it as systemd's
# would. Call it inside ( ).
as_yagura() {
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/yagura-server LANG=C.UTF-8 \
        setpriv --reuid=yagura --regid=yagura --init-groups --no-new-privs --bounding-set=-all \
        -- "$@"
}
chmod 0711 "$WORK"
SITE=$WORK/site
install -d -o yagura -g yagura -m 0750 "$SITE" || fail "cannot create $SITE"
if ! (cd / && as_yagura /usr/bin/yagura-server init --data-dir "$SITE") >"$WORK/init.log" 2>&1; then
    fail_with_log "$WORK/init.log" "yagura-server init as user yagura failed"
fi
grep -q 'Initialised a Yagura site' "$WORK/init.log" || fail_with_log "$WORK/init.log" "yagura-server init printed no confirmation"
# The unit's ConditionPathExists= names the store that init creates.
condition=$(sed -n 's#^ConditionPathExists=/var/lib/yagura-server/##p' /lib/systemd/system/yagura-server.service)
[[ -n $condition && -f $SITE/$condition ]] ||
    fail "init did not create '${condition:-?}', which yagura-server.service's ConditionPathExists= waits for"
[[ $(stat -c %U "$SITE/$condition") == yagura ]] || fail "$condition is not owned by yagura"
# Secret keys are private to yagura (the data directory itself is 0750 as well).
leaked=$(find "$SITE" -name '*.key' -perm /go+rwx | head -n 1)
[[ -z $leaked ]] || fail "init left a key readable by others: $leaked"

# Run it on loopback wildcard ports (no clash with anything else) until it listens, then stop
# it with SIGTERM as systemd would.
(cd / && umask 0077 && as_yagura /usr/bin/yagura-server run --data-dir "$SITE" \
    --agent-bind 'tcp://127.0.0.1:*' --enrol-bind 'tcp://127.0.0.1:*' \
    --operator-bind 'tcp://127.0.0.1:*') >"$WORK/run.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    grep -q 'listening' "$WORK/run.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
grep -q 'listening' "$WORK/run.log" || fail_with_log "$WORK/run.log" "the installed yagura-server did not start listening within 10 s"

# Enrol the installed agent with it, into the packaged state directory, as root like the unit:
# this is what yagura-agent.service's ConditionPathExists= waits for.
if ! TOKEN=$( (cd / && as_yagura /usr/bin/yagura-server token create --data-dir "$SITE" \
        --expires 10m --uses 1 --auto-accept) 2>"$WORK/token.log"); then
    fail_with_log "$WORK/token.log" "yagura-server token create as user yagura failed"
fi
if ! (cd / && /usr/sbin/yagura-agent enroll --token "$TOKEN" --timeout 10s) \
        >"$WORK/enrol.log" 2>&1; then
    fail_with_log "$WORK/enrol.log" "the installed yagura-agent could not enrol with the installed server"
fi
condition=$(sed -n 's/^ConditionPathExists=//p' /lib/systemd/system/yagura-agent.service)
[[ -n $condition && -f $condition ]] ||
    fail "enrolment did not create '${condition:-?}', which yagura-agent.service's ConditionPathExists= waits for"
[[ $(stat -c '%U %a' "$condition") == "root 600" ]] ||
    fail "$condition is '$(stat -c '%U %a' "$condition")', expected root 600"
/usr/sbin/yagura-agent status >"$WORK/status.log" 2>&1 ||
    fail_with_log "$WORK/status.log" "yagura-agent status failed after enrolment"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$SERVER_PID" 2>/dev/null && fail "yagura-server did not stop within 10 s of SIGTERM"
wait "$SERVER_PID"
run_rc=$?
SERVER_PID=
((run_rc == 0)) || fail_with_log "$WORK/run.log" "yagura-server exited with $run_rc after SIGTERM"

echo "ok: installed, verified, ran yagura-server $VERSION and enrolled yagura-agent; purging"
exit 0
