#!/usr/bin/env bash
# Run a manage.py command on a city's server as the service user, with the service's environment:
#   sudo /srv/komae-sns/app/deploy/manage.sh migrate
#   sudo /srv/komae-sns/app/deploy/manage.sh backup --output /srv/backup/komae-sns/manual
# migrate and restore connect as the role that owns the schema: MIGRATE_DATABASE_URL, read here from
# /etc/komae-sns/migrate.env (root only, mode 0600), which the services never see. Every other
# command runs as the app's role (DATABASE_URL), as the services do (deploy/database-roles.sql).
set -euo pipefail
app=/srv/komae-sns/app
owner_env=/etc/komae-sns/migrate.env
unset MIGRATE_DATABASE_URL
case "${1:-}" in
  migrate | restore)
    if [[ ! -r $owner_env ]]; then
      echo "manage.sh: $owner_env がありません。スキーマの所有者のロールの MIGRATE_DATABASE_URL を書いてください（README「Running it on a city's server」4.）。" >&2
      exit 1
    fi
    set -a
    # shellcheck disable=SC1090
    . "$owner_env"
    set +a
    ;;
esac
exec runuser -u komae-sns -- bash -c \
  'set -a; . /etc/komae-sns/komae-sns.env; set +a; cd "$0" && exec .venv/bin/python manage.py "$@"' "$app" "$@"
