#!/usr/bin/env bash
# Start a Celery worker with embedded beat in the background and the web app in the foreground;
# Ctrl-C stops all of them.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
mkdir -p var/broker var/log
.venv/bin/celery -A komae_sns worker --beat --loglevel=INFO --concurrency=2 \
  --schedule=var/celerybeat-schedule >var/log/celery.log 2>&1 &
celery_pid=$!
trap 'kill $celery_pid 2>/dev/null || true; wait $celery_pid 2>/dev/null || true' EXIT INT TERM
echo "Celery worker + beat: PID $celery_pid (log: var/log/celery.log)"
echo "狛江市 公式SNSアカウント管理: http://$host:$port/   公開一覧: http://$host:$port/registry/"
.venv/bin/python manage.py runserver "$host:$port"
