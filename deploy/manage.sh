#!/usr/bin/env bash
# Run a manage.py command on a city's server as the service user, with the service's environment:
#   sudo /srv/komae-sns/app/deploy/manage.sh migrate
#   sudo /srv/komae-sns/app/deploy/manage.sh backup --output /srv/backup/komae-sns/manual
set -euo pipefail
app=/srv/komae-sns/app
exec runuser -u komae-sns -- bash -c \
  'set -a; . /etc/komae-sns/komae-sns.env; set +a; cd "$0" && exec .venv/bin/python manage.py "$@"' "$app" "$@"
