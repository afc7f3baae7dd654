#!/usr/bin/env bash
# The production settings as deploy/komae-sns.env.example gives them (secrets made up here) pass
# Django's deployment check with no warning, and gunicorn accepts deploy/gunicorn.conf.py.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
secret=$($py -c 'import secrets; print(secrets.token_urlsafe(50))')
fernet=$($py -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
env_args=()
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  case "$line" in
    SECRET_KEY=*) line="SECRET_KEY=$secret" ;;
    CREDENTIAL_KEYS=*) line="CREDENTIAL_KEYS=$fernet" ;;
    BACKUP_SIGNING_KEY=*) line="BACKUP_SIGNING_KEY=$secret" ;;
  esac
  env_args+=("${line//CHANGE-ME/not-a-real-password}")
done < deploy/komae-sns.env.example
# Paths of a city's server that this machine does not have: the check does not need them.
env_args+=("STATIC_ROOT=$PWD/var/staticfiles" "MEDIA_ROOT=$PWD/var/media" "BACKUP_DIR=$PWD/var/backups")
env -i PATH=/usr/bin:/bin "${env_args[@]}" $py manage.py check --deploy --fail-level WARNING
env -i PATH=/usr/bin:/bin "${env_args[@]}" .venv/bin/gunicorn --check-config --config deploy/gunicorn.conf.py komae_sns.wsgi
# The public pages' pool: the same settings with its own address and workers (komae-sns-public.service).
public_args=$(sed -n 's|^ExecStart=[^ ]*gunicorn komae_sns.wsgi ||p' deploy/systemd/komae-sns-public.service)
# shellcheck disable=SC2086 # the unit's arguments, split as systemd splits them
env -i PATH=/usr/bin:/bin "${env_args[@]}" .venv/bin/gunicorn --check-config $public_args komae_sns.wsgi
echo "deploy/: production settings pass check --deploy; gunicorn accepts its configuration"
