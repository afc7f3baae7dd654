#!/usr/bin/env bash
# Serve the app on HOST:PORT as a city's server does: nginx in front of two gunicorn pools, the
# staff's and the public pages' (/registry/), so a rush of residents on the lookup never takes the
# staff's workers (issue 20). The public pool runs at a lower CPU priority. Used by scripts/run.sh
# (`make run`) and bench/rush.py. Stops everything on exit.
#   WEB_WORKERS, PUBLIC_WORKERS: workers of each pool (2 and 2); RUN_DIR: sockets, nginx's
#   configuration and log (VAR_DIR/run).
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-8000}
run=${RUN_DIR:-}
if [[ -z $run ]]; then
  run=$(DJANGO_SETTINGS_MODULE=komae_sns.settings .venv/bin/python -c \
    "from django.conf import settings; print(settings.VAR_DIR)")/run
fi
mkdir -p "$run"
rm -f "$run/staff.sock" "$run/public.sock"
# nginx is the only proxy in front: the client's address is the one it appends (core/clientip.py;
# a unix socket counts as the trusted proxy).
export TRUSTED_PROXY_HEADER=${TRUSTED_PROXY_HEADER:-X-Forwarded-For}
gunicorn=.venv/bin/gunicorn
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 0' INT TERM
$gunicorn komae_sns.wsgi --bind "unix:$run/staff.sock" --workers "${WEB_WORKERS:-2}" --name komae-sns-web --pid "$run/staff.pid" \
  --timeout 60 --log-level warning &
pids+=($!)
nice -n 19 $gunicorn komae_sns.wsgi --bind "unix:$run/public.sock" --workers "${PUBLIC_WORKERS:-2}" \
  --name komae-sns-public --pid "$run/public.pid" --timeout 60 --log-level warning &
pids+=($!)
listen="$host:$port"
[[ $host == *:* ]] && listen="[$host]:$port"
user=""
[[ $(id -u) -eq 0 ]] && user="user $(id -un) $(id -gn);"  # workers that may open the sockets in $run
sed -e "s|@RUN@|$run|g" -e "s|@LISTEN@|$listen|g" -e "s|@USER@|$user|g" scripts/nginx-local.conf.in >"$run/nginx.conf"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx" -p "$run" -c "$run/nginx.conf" -e "$run/nginx-error.log" -g "daemon off;" &
pids+=($!)
wait -n "${pids[@]}"  # one of them stopped: stop the others
