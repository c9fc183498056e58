#!/usr/bin/env bash
# Install the Debian packages CaseFlow needs, when missing. Usage: sysdeps.sh run|test|bench
set -eu
case "${1:-run}" in
  run)  wanted="fontconfig fonts-noto-cjk fonts-hanazono libharfbuzz-subset0 poppler-utils libmagic1" ;;
  test) wanted="fontconfig fonts-noto-cjk fonts-hanazono libharfbuzz-subset0 poppler-utils libmagic1 chromium postgresql" ;;
  bench) wanted="fontconfig fonts-noto-cjk fonts-hanazono libharfbuzz-subset0 poppler-utils libmagic1 postgresql wrk" ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac
missing=""
for pkg in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：$missing"
  echo "请以 root 身份运行：apt-get install -y$missing（继续运行，部分功能可能不可用）"
  exit 0
fi
echo "安装系统软件包：$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
