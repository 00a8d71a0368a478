#!/usr/bin/env bash
# Load figures for the README, measured against the machine's own limits in one run:
#   1. the questionnaire page through a participant's session under wrk (200 connections)
#      against nginx serving the same rendered HTML as a static file;
#   2. idle memory of `koers serve` and its peak under that load;
#   3. diary submissions per second on PostgreSQL against pgbench (koers bench submit);
#   4. the answers-long export against PostgreSQL's COPY (koers bench export).
# Needs wrk, nginx, curl and a PostgreSQL at KOERS_BENCH_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/test). Usage: tests/load/run.sh [--quick] [--page-only]
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in wrk nginx curl pgbench psql; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt install wrk nginx-light curl postgresql-client)"; exit 2; }
done
duration=15s
answers=10000000
page_only=
for arg in "$@"; do
  case "$arg" in
    --quick) duration=5s; answers=1000000 ;;
    --page-only) page_only=1 ;;
    *) echo "usage: tests/load/run.sh [--quick] [--page-only]"; exit 2 ;;
  esac
done

cargo build --release -q
bin=$PWD/target/release/koers
work=$(mktemp -d)
port=18080
nport=18081
cleanup() {
  [[ -n "${koers_pid:-}" ]] && kill "$koers_pid" 2>/dev/null || true
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
# exec: $! is koers itself, so the cleanup stops it and /proc/$! is its memory.
(cd "$work" && KOERS_BASE_URL="http://127.0.0.1:$port" KOERS_SECRET_KEY="a-load-test-secret-of-32-characters-or-more" \
  RUST_LOG=warn exec "$bin" serve --demo --bind "127.0.0.1:$port" >serve.log 2>&1) &
koers_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
sleep 1
pid=$koers_pid
kill -0 "$pid" 2>/dev/null || { echo "koers did not start:"; cat "$work/serve.log"; exit 1; }
idle_kib=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")

# A student's session: open the SMS link, consent, and find the open diary.
link=$(grep -o "http://127.0.0.1:$port/l/[A-Za-z0-9_-]*" "$work/serve.log" | head -n 1)
jar=$work/jar
curl -s -c "$jar" -o /dev/null "$link"
csrf=$(curl -s -b "$jar" "http://127.0.0.1:$port/p" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
curl -s -b "$jar" -o /dev/null --data "csrf=$csrf&consent_age_under_16=no&consent_agree=agree" "http://127.0.0.1:$port/p/toestemming"
page=$(curl -s -b "$jar" -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$port/p")
cookie=$(awk '$6 == "koers_p" {print $7}' "$jar")
[[ "$page" == *"/p/r/"* ]] || { echo "no open questionnaire found ($page)"; exit 1; }
mkdir -p "$work/www"
curl -s -b "$jar" "$page" >"$work/www/page.html"
echo "page: $(grep -o '<title>[^<]*' "$work/www/page.html" | sed 's/<title>//'), $(wc -c <"$work/www/page.html") bytes of HTML, $(grep -c 'class="k-item' "$work/www/page.html") items"

cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$nport; root $work/www; location / { default_type text/html; } }
}
NGINX
nginx -p "$work" -c "$work/nginx.conf"

measure() { # url [header] -> "requests/s p99_ms"
  local out
  if [[ -n "${2:-}" ]]; then out=$(wrk -t2 -c200 -d"$duration" --latency -H "$2" "$1"); else out=$(wrk -t2 -c200 -d"$duration" --latency "$1"); fi
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$rps $p99 ${errors:-0}"
}
read -r n_rps n_p99 n_err < <(measure "http://127.0.0.1:$nport/page.html")
read -r k_rps k_p99 k_err < <(measure "$page" "Cookie: koers_p=$cookie")
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo
echo "== questionnaire page, 200 connections, $duration"
printf "  nginx, static file:         %10.0f req/s  p99 %6.1f ms\n" "$n_rps" "$n_p99"
printf "  koers, participant session: %10.0f req/s  p99 %6.1f ms  (non-2xx: %s)\n" "$k_rps" "$k_p99" "$k_err"
awk -v k="$k_rps" -v n="$n_rps" 'BEGIN {printf "  ratio: %.2f   (targets: >= 0.5, p99 < 20 ms)\n", k / n}'
echo "== memory of koers serve (demo, SQLite)"
echo "  idle: $((idle_kib / 1024)) MB   peak under load: $((peak_kib / 1024)) MB   (target idle < 30 MB)"
kill "$koers_pid" 2>/dev/null || true
[[ -n "$page_only" ]] && exit 0

echo
echo "== diary submissions on PostgreSQL"
"$bin" bench submit --submissions 20000 | tail -n 4
echo
echo "== answers-long export on PostgreSQL"
"$bin" bench export --answers "$answers" | tail -n 12
