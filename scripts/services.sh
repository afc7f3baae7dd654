#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis the suite uses answer on 127.0.0.1, starting them if needed.
# A DATABASE_URL / REDIS_URL pointing elsewhere is the caller's to provide.
set -euo pipefail

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up() { [[ $(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) == PONG ]]; }

if [[ -z ${DATABASE_URL:-} ]] && ! pg_up; then
  if ! compgen -G "/etc/postgresql/*/main" >/dev/null; then
    bash "$(dirname "$0")/apt-install.sh" postgresql
  fi
  echo "Starting PostgreSQL"
  for v in /etc/postgresql/*; do
    $sudo pg_ctlcluster --skip-systemctl-redirect "$(basename "$v")" main start || true
  done
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
fi
if [[ -z ${DATABASE_URL:-} ]]; then
  # The suite connects as postgres to the database test (pytest-django creates test_test next to it).
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1" postgres >/dev/null 2>&1 || {
    echo "PostgreSQL refuses user postgres on 127.0.0.1 without a password (trust auth expected, as on" >&2
    echo "our machines). Elsewhere give DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/test." >&2; exit 1; }
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" postgres | grep -q 1 ||
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" postgres >/dev/null
fi

if [[ -z ${REDIS_URL:-} ]] && ! redis_up; then
  command -v redis-server >/dev/null || bash "$(dirname "$0")/apt-install.sh" redis-server
  echo "Starting Redis"
  $sudo mkdir -p /var/lib/redis /var/log/redis
  $sudo redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
  redis_up || { echo "Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }
fi
