#!/usr/bin/env bash
# Start a Celery worker with embedded beat in the background and the web app in the foreground
# (scripts/serve.sh: nginx in front of the staff's and the public pages' gunicorn pools); Ctrl-C stops
# all of them. The runtime folder and the city's name come from the settings (another city's profile
# keeps its data in var/<profile>/).
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
{ read -r var_dir; read -r city; read -r site_url; } < <(DJANGO_SETTINGS_MODULE=komae_sns.settings .venv/bin/python -c \
  "import os; from django.conf import settings; print(settings.VAR_DIR); print(settings.CITY_NAME); print(os.environ.get('SITE_URL', ''))")
# Links in mails and notices lead to where the app was started (make run HOST=… PORT=…), unless the
# environment or .env names the address (SITE_URL). The worker reads it too: it sends the mails.
if [[ -z $site_url ]]; then
  url_host=$host
  [[ $host == *:* ]] && url_host="[$host]"
  site_url="http://$url_host:$port"
fi
export SITE_URL=$site_url
mkdir -p "$var_dir/broker" "$var_dir/log"
.venv/bin/celery -A komae_sns worker --beat --loglevel=INFO --concurrency=2 --queues=celery,archive \
  --schedule="$var_dir/celerybeat-schedule" >"$var_dir/log/celery.log" 2>&1 &
celery_pid=$!
trap 'kill $celery_pid 2>/dev/null || true; wait $celery_pid 2>/dev/null || true' EXIT INT TERM
echo "Celery worker + beat: PID $celery_pid (log: $var_dir/log/celery.log)"
echo "$city 公式SNSアカウント管理: $SITE_URL/   公開一覧: $SITE_URL/registry/"
bash scripts/serve.sh "$host" "$port"
