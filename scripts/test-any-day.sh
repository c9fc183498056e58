#!/usr/bin/env bash
# Run the whole suite (make test) with the process clock faked by libfaketime at days that once broke it:
# a Saturday, a Sunday, National Day, a 调休 working Sunday, and the last evening of 2026 in Beijing (the run
# crosses midnight into 2027, whose official calendar is not published). Usage: scripts/test-any-day.sh [TIMESTAMP…]
# (UTC timestamps as faketime reads them). Exits non-zero if any run failed.
set -u
cd "$(dirname "$0")/.."
if ! command -v faketime >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
  else
    echo "缺少 faketime：请以 root 身份运行 apt-get install -y faketime" >&2
    exit 2
  fi
fi
if [ $# -eq 0 ]; then
  set -- "2026-12-05 02:00:00" "2026-12-06 02:00:00" "2026-10-01 02:00:00" "2026-09-20 02:00:00" "2026-12-31 15:50:00"
fi
logs=instance/test-any-day
mkdir -p "$logs"
failed=0
for stamp in "$@"; do
  start=$(date +%s)
  log="$logs/$(echo "$stamp" | tr ' :' '_-').log"
  if faketime -m "$stamp" make test >"$log" 2>&1; then result="通过"; else result="失败"; failed=1; fi
  echo "faketime -m '$stamp' make test: $result（北京时间 $(TZ=Asia/Shanghai date -d "$stamp UTC" '+%F %a %H:%M') 起，" \
       "用时 $(( $(date +%s) - start )) 秒；日志 $log）"
  grep -E "^[0-9]+ (passed|failed)|^(SQLite|PostgreSQL):" "$log" | sed 's/^/    /'
done
exit $failed
