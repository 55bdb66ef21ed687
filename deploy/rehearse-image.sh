#!/usr/bin/env bash
# Rehearse the Containerfile without a container engine: debootstrap + chroot.
#
# What it replays, step by step and as literally as a chroot allows:
#   base     debootstrap --variant=minbase bookworm into $REHEARSAL/root, then what the
#            python:3.11-slim-bookworm image adds (python3.11 + pip, ca-certificates,
#            netbase, tzdata, LANG=C.UTF-8, `python` on PATH).
#   builder  a copy of the base: the builder stage's apt packages, `pip install uv`,
#            `uv sync --no-install-project` from pyproject.toml + uv.lock, `npm ci`, the
#            sources (`git archive HEAD`, minus .containerignore), `uv sync`, collectstatic
#            with the build-time production environment, the i18n compile.
#   runtime  a second copy of the base: the runtime apt packages, user compagnon (10001),
#            the COPY --from=builder paths, var/{media,private,backups} owned by the user;
#            prints the root's size (the image-equivalent size).
#   caddy    Debian's caddy (2.6.2; compose runs caddy:2, the newest 2.x) validates
#            deploy/Caddyfile with compose.env.example's DOMAIN and ACME_EMAIL.
#   run      as uid 10001 with the image's ENV (chroot --userspec): check --deploy,
#            migrate + createcachetable (compose's migrate service), gunicorn with the
#            image's CMD, the HEALTHCHECK probe, /healthz, /healthz/ready, pages, a
#            WeasyPrint PDF, `manage.py backup`, one `rqworker` from compose.yaml running a
#            real task. Needs the host's PostgreSQL and Redis (DATABASE_URL, REDIS_URL).
#
# What it cannot show: no engine (no namespaces, cgroups, read-only layers, HEALTHCHECK
# scheduling), no registry (Debian's python3.11 stands in for the python image's own
# build in /usr/local; Debian's pip refuses system installs (PEP 668), so uv is installed
# with --break-system-packages), no layer cache (every run rebuilds), no compose
# networking (services reach PostgreSQL and Redis on the host's 127.0.0.1, not by name;
# no Caddy in front). The host's network namespace is shared, so PORT must be free.
#
#   sudo deploy/rehearse-image.sh all   # or a step: base|builder|builder-source|runtime-packages|runtime|caddy|run
#   REHEARSAL=/tmp/r PORT=8261 DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
#     REDIS_URL=redis://127.0.0.1:6379/13 sudo -E deploy/rehearse-image.sh run
set -euo pipefail

REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
REHEARSAL=${REHEARSAL:-/work/rehearsal}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PORT=${PORT:-8260}
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/h_ops_rehearsal}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/13}
BASE=$REHEARSAL/root
BUILDER=$REHEARSAL/builder
RUNTIME=$REHEARSAL/runtime
APP=/srv/compagnon
# The python image's environment (docker.io/library/python:3.11-slim-bookworm).
IMAGE_ENV=(PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  LANG=C.UTF-8 HOME=/root)
# Behind a TLS-intercepting egress proxy, the host's extra CAs (HOST_CA_DIR) go into the
# base root, and pip, uv and npm are pointed at the system bundle. Not in the Containerfile:
# a build machine behind such a proxy needs the same (a build secret or a base image with it).
HOST_CA_DIR=${HOST_CA_DIR:-/usr/local/share/ca-certificates}
BUNDLE=/etc/ssl/certs/ca-certificates.crt
BUILD_TLS_ENV=("PIP_CERT=$BUNDLE" "SSL_CERT_FILE=$BUNDLE" "NODE_EXTRA_CA_CERTS=$BUNDLE")
# The builder stage's ENV.
BUILDER_ENV=(UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
  UV_PROJECT_ENVIRONMENT=/srv/compagnon/.venv PIP_DISABLE_PIP_VERSION_CHECK=1 "${BUILD_TLS_ENV[@]}")

say() { printf '\n== %s  [%s]\n' "$*" "$(date -u +%H:%M:%S)"; }

mount_root() {
  local root=$1
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  mountpoint -q "$root/sys" || mount -t sysfs sys "$root/sys"
  if ! mountpoint -q "$root/dev"; then
    mount --rbind /dev "$root/dev"
    mount --make-rslave "$root/dev"
  fi
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  MOUNTED+=("$root")
}

umount_root() {
  local root=$1
  for m in dev sys proc; do
    if mountpoint -q "$root/$m"; then umount -R "$root/$m" || umount -lR "$root/$m"; fi
  done
}

# Only the roots this invocation mounted: another step may be running in another root.
MOUNTED=()
WORKER_PIDS=()
cleanup() {
  [[ -n "${GUNICORN_PID:-}" ]] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null
  [[ ${#WORKER_PIDS[@]} -gt 0 ]] && kill "${WORKER_PIDS[@]}" 2>/dev/null
  for root in "${MOUNTED[@]}"; do umount_root "$root"; done
  true
}
trap cleanup EXIT

# RUN in a stage: a login-less shell with only the given environment, like a build step.
run_in() {
  local root=$1; shift
  chroot "$root" /usr/bin/env -i "${IMAGE_ENV[@]}" "$@"
}

step_base() {
  say "base: debootstrap minbase bookworm -> $BASE"
  if [[ ! -x $BASE/usr/bin/apt-get ]]; then
    debootstrap --variant=minbase bookworm "$BASE" "$MIRROR"
  fi
  # As Debian's image: bookworm, bookworm-updates and the security suite.
  cat >"$BASE/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  mount_root "$BASE"
  run_in "$BASE" sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends \
    python3.11 python3-pip python-is-python3 ca-certificates netbase tzdata && apt-get clean \
    && rm -rf /var/lib/apt/lists/*'
  if compgen -G "$HOST_CA_DIR/*.crt" >/dev/null; then
    cp "$HOST_CA_DIR"/*.crt "$BASE/usr/local/share/ca-certificates/"
    run_in "$BASE" update-ca-certificates
  fi
  umount_root "$BASE"
  du -sxh "$BASE"
}

fresh_copy() {
  local target=$1
  umount_root "$target" 2>/dev/null || true
  rm -rf "$target"
  cp -a "$BASE" "$target"
  mount_root "$target"
}

# The build context: committed files only, minus .containerignore's patterns.
build_context() {
  local context=$1
  rm -rf "$context" && mkdir -p "$context"
  git -C "$REPO" archive HEAD | tar -x -C "$context"
  (
    cd "$context"
    shopt -s globstar nullglob dotglob
    while read -r pattern; do
      [[ -z $pattern || $pattern == \#* ]] && continue
      for match in $pattern; do rm -rf -- "$match"; done
    done <"$REPO/.containerignore"
  )
}

# The builder's instructions from `COPY . .` on, read from the Containerfile: the source
# copy, then every RUN as written (continuation lines joined), in WORKDIR with the ENV.
builder_source_layers() {
  say "builder: COPY . ."
  rm -rf "${BUILDER:?}$APP/compagnon" "${BUILDER:?}$APP/locale" "${BUILDER:?}$APP/var"
  cp -a "$REHEARSAL/context/." "$BUILDER$APP/"
  local instruction
  while IFS= read -r instruction; do
    say "builder: $instruction"
    run_in "$BUILDER" "${BUILDER_ENV[@]}" sh -c "cd $APP && ${instruction#RUN }"
  done < <(sed -n '/AS builder/,/AS runtime/p' "$REPO/Containerfile" \
    | awk '/^#/{next} {line = line $0} /\\$/{sub(/\\$/, "", line); next} {print line; line = ""}' \
    | sed -n '/^COPY \. \./,$p' | grep '^RUN ')
}

# `COPY . .` and the layers after it on the existing builder root, as when the engine's
# cache holds the dependency layers (only the sources changed).
step_builder_source() {
  local t0=$SECONDS
  mount_root "$BUILDER"
  build_context "$REHEARSAL/context"
  builder_source_layers
  umount_root "$BUILDER"
  say "builder-source: done in $((SECONDS - t0)) s"
}

step_builder() {
  local t0=$SECONDS
  say "builder: fresh copy of the base"
  fresh_copy "$BUILDER"
  build_context "$REHEARSAL/context"
  say "builder: RUN apt-get install nodejs npm; pip install uv"
  run_in "$BUILDER" "${BUILDER_ENV[@]}" sh -c 'apt-get update -q \
    && apt-get install -y -q --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir --break-system-packages "uv>=0.5,<1"'
  mkdir -p "$BUILDER$APP"
  say "builder: COPY pyproject.toml uv.lock; RUN uv sync --frozen --no-dev --no-install-project"
  cp "$REHEARSAL/context/pyproject.toml" "$REHEARSAL/context/uv.lock" "$BUILDER$APP/"
  run_in "$BUILDER" "${BUILDER_ENV[@]}" sh -c "cd $APP && uv sync --frozen --no-dev --no-install-project"
  say "builder: COPY package.json package-lock.json; RUN npm ci --omit=dev"
  cp "$REHEARSAL/context/package.json" "$REHEARSAL/context/package-lock.json" "$BUILDER$APP/"
  run_in "$BUILDER" "${BUILDER_ENV[@]}" sh -c "cd $APP && npm ci --no-audit --no-fund --omit=dev"
  builder_source_layers
  umount_root "$BUILDER"
  say "builder: done in $((SECONDS - t0)) s; root $(du -sxh "$BUILDER" | cut -f1)"
}

# The COPY --from=builder lines of the Containerfile's runtime stage, read from the file.
copied_paths() {
  sed -n '/AS runtime/,$p' "$REPO/Containerfile" \
    | sed -n 's|^COPY --from=builder \(/srv/compagnon/[^ ]*\) \(.*\)$|\1 \2|p'
}

step_runtime_packages() {
  local t0=$SECONDS
  say "runtime: fresh copy of the base"
  fresh_copy "$RUNTIME"
  # The runtime stage's first RUN, taken from the Containerfile itself.
  local first_run
  first_run=$(sed -n '/AS runtime/,$p' "$REPO/Containerfile" \
    | awk '/^RUN /{f=1} f{print} f&&!/\\$/{exit}' | sed 's/^RUN //')
  say "runtime: RUN $first_run"
  run_in "$RUNTIME" sh -c "$first_run && apt-get clean"
  umount_root "$RUNTIME"
  say "runtime-packages: done in $((SECONDS - t0)) s"
}

# The rest of the runtime stage, once the builder is done.
step_runtime() {
  local t0=$SECONDS
  chroot "$RUNTIME" id -u compagnon >/dev/null 2>&1 || step_runtime_packages
  mount_root "$RUNTIME"
  rm -rf "${RUNTIME:?}$APP"
  mkdir -p "$RUNTIME$APP"
  while read -r source target; do
    say "runtime: COPY --from=builder $source $target"
    mkdir -p "$(dirname "$RUNTIME$APP/$target")"
    cp -a "$BUILDER$source" "$RUNTIME$APP/${target#./}"
  done < <(copied_paths)
  local second_run
  second_run=$(sed -n '/AS runtime/,$p' "$REPO/Containerfile" \
    | awk '/^RUN mkdir/{f=1} f{print} f&&!/\\$/{exit}' | sed 's/^RUN //')
  say "runtime: RUN $second_run"
  run_in "$RUNTIME" sh -c "cd $APP && $second_run"
  umount_root "$RUNTIME"
  say "runtime: done in $((SECONDS - t0)) s"
  du -sxh "$RUNTIME" "$RUNTIME$APP/.venv" "$RUNTIME$APP/var/static"
}

# As the image runs it: uid 10001, WORKDIR /srv/compagnon, the ENV lines, plus what
# compose.yaml's x-app environment sets.
APP_ENV=("PATH=$APP/.venv/bin:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
  LANG=C.UTF-8 "HOME=$APP" PYTHONUNBUFFERED=1 COMPAGNON_ENV=production
  "COMPAGNON_VAR_DIR=$APP/var" LOG_FORMAT=json BEHIND_PROXY=true
  "DATABASE_URL=$DATABASE_URL" "REDIS_URL=$REDIS_URL" TASKS_BACKEND=rq
  "ALLOWED_HOSTS=rehearsal.invalid,localhost" CSRF_TRUSTED_ORIGINS=https://rehearsal.invalid
  SITE_URL=https://rehearsal.invalid EMAIL_HOST=127.0.0.1 EMAIL_PORT=2525
  SECRET_KEY=rehearsal-only-not-a-secret-rehearsal-only-not-a-secret-0123456789
  HEALTHCHECK_TOKEN=rehearsal-token "WEB_BIND=127.0.0.1:$PORT" "PORT=$PORT")
as_app() {
  chroot --userspec=10001:10001 "$RUNTIME" /usr/bin/env -i "${APP_ENV[@]}" "$@"
}

# GET a page as the proxy would send it; prints the status and the size.
fetch() {
  local path=$1; shift
  curl -sS -o "$REHEARSAL/out$(echo "$path" | tr '/?=&' '____')" -w "%{http_code} %{size_download}B %{content_type} $path\n" \
    -H "Host: localhost" -H "X-Forwarded-Proto: https" "$@" "http://127.0.0.1:$PORT$path"
}

step_run() {
  mount_root "$RUNTIME"
  cd "$REHEARSAL"
  say "run: whoami / writable paths as uid 10001"
  as_app sh -c "cd $APP && id && for d in var/media var/private var/backups var/static compagnon .venv; do \
    if [ -w \$d ]; then echo \"writable: \$d\"; else echo \"read-only: \$d\"; fi; done"
  say "run: manage.py check --deploy"
  as_app sh -c "cd $APP && python manage.py check --deploy --fail-level WARNING"
  say "run: migrate + createcachetable (compose's migrate service) on $DATABASE_URL"
  local dbname=${DATABASE_URL##*/}
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" -c "CREATE DATABASE $dbname"
  as_app sh -c "cd $APP && python manage.py migrate --no-input | tail -3 && python manage.py createcachetable"
  say "run: the image's CMD (gunicorn) on 127.0.0.1:$PORT"
  local cmd
  cmd=$(sed -n 's/^CMD \[\(.*\)\]$/\1/p' "$REPO/Containerfile" | tr -d '",')
  # exec all the way down: $! is gunicorn's master, which the cleanup stops.
  (exec chroot --userspec=10001:10001 "$RUNTIME" /usr/bin/env -i "${APP_ENV[@]}" \
    sh -c "cd $APP && exec $cmd") >"$REHEARSAL/gunicorn.log" 2>&1 &
  GUNICORN_PID=$!
  for _ in $(seq 60); do
    curl -s -o /dev/null -H "Host: localhost" "http://127.0.0.1:$PORT/healthz" && break
    sleep 1
  done
  say "run: HEALTHCHECK (deploy/container-healthcheck.py as uid 10001)"
  as_app sh -c "cd $APP && python deploy/container-healthcheck.py" && echo "healthcheck: exit 0"
  say "run: pages"
  fetch /healthz
  fetch /healthz/ready -H "Authorization: Bearer rehearsal-token"
  fetch /
  fetch /blog/
  fetch /blog/ -H "Accept-Language: en"
  fetch /static/vendor/htmx/htmx.min.js
  say "run: a staff session, then the insights PDF (WeasyPrint + vl-convert) through gunicorn"
  local session slug
  read -r session slug < <(as_app sh -c "cd $APP && python manage.py shell" <<'EOF' | tail -1
from django.contrib.auth import get_user_model
from django.test import Client
from compagnon.members.models import Organisation
from compagnon.members.services import organisation_create
User = get_user_model()
staff = User.objects.filter(email="staff@rehearsal.invalid").first()
if staff is None:
    staff = User.objects.create_superuser("staff@rehearsal.invalid", "rehearsal-password-0123")
organisation = Organisation.objects.filter(name="Rehearsal Org").first()
organisation = organisation or organisation_create(name="Rehearsal Org")
client = Client()
client.force_login(staff)
print(client.cookies["sessionid"].value, organisation.slug)
EOF
)
  fetch "/insights/organisations/$slug/" -b "sessionid=$session"
  fetch "/insights/organisations/$slug/report.pdf" -b "sessionid=$session"
  head -c 8 "$REHEARSAL/out_insights_organisations_${slug}_report.pdf" | od -c | head -1
  say "run: manage.py backup (pg_dump $(chroot "$RUNTIME" pg_dump --version | awk '{print $3}'), server $(psql "$DATABASE_URL" -Atc 'show server_version'))"
  as_app sh -c "cd $APP && python manage.py backup --keep-days 30 && ls -la var/backups/*/"
  say "run: a task on RQ, then compose's worker-default command (--burst)"
  redis-cli -u "$REDIS_URL" flushdb >/dev/null
  as_app sh -c "cd $APP && python manage.py shell" <<'EOF'
from compagnon.core.tasks import core_tick
from compagnon.insights.tasks import insights_recompute_all_task
with open("/tmp/rehearsal-tasks", "w") as ids:
    for task in (core_tick, insights_recompute_all_task):
        result = task.enqueue()
        ids.write(f"{result.id}\n")
        print("enqueued", task.name, task.queue_name, result.id, result.status)
EOF
  for queue in default insights; do
    say "run: compose's worker-$queue command, with --burst"
    as_app sh -c "cd $APP && timeout 300 python manage.py rqworker $queue --with-scheduler --burst" 2>&1 | tail -4
  done
  as_app sh -c "cd $APP && python manage.py shell" <<'EOF'
from django_tasks import default_task_backend
for line in open("/tmp/rehearsal-tasks"):
    result = default_task_backend.get_result(line.strip())
    print("result", result.task.name, result.status, result.errors or result.return_value)
EOF
  say "run: the workers' probe (compose's healthcheck for workers and the scheduler)"
  as_app sh -c "cd $APP && python manage.py healthcheck --only database,cache"
  say "run: every rqworker and the scheduler as compose.yaml starts them, then /healthz/ready"
  local line command
  : >"$REHEARSAL/workers.log"
  while IFS= read -r line; do
    command=${line#*command: \[}
    command=$(tr -d '",]' <<<"$command")
    (exec chroot --userspec=10001:10001 "$RUNTIME" /usr/bin/env -i "${APP_ENV[@]}" \
      sh -c "cd $APP && exec $command") >>"$REHEARSAL/workers.log" 2>&1 &
    WORKER_PIDS+=("$!")
    echo "started $!: $command"
  done < <(grep -E 'command: \["python", "manage.py", "(rqworker|scheduler)"' "$REPO/compose.yaml")
  sleep 25
  fetch /healthz/ready -H "Authorization: Bearer rehearsal-token" || true
  cut -c1-600 "$REHEARSAL/out_healthz_ready"; echo
  kill "${WORKER_PIDS[@]}"; wait "${WORKER_PIDS[@]}" 2>/dev/null || true; WORKER_PIDS=()
  grep -ciE '"level": "(error|critical)"|traceback' "$REHEARSAL/workers.log" || true
  kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=
  tail -5 "$REHEARSAL/gunicorn.log"
  umount_root "$RUNTIME"
}

step_caddy() {
  say "caddy: caddy validate deploy/Caddyfile (Debian's package, unpacked, not installed)"
  mkdir -p "$REHEARSAL/caddy"
  if [[ ! -x $REHEARSAL/caddy/usr/bin/caddy ]]; then
    (cd "$REHEARSAL" && apt-get download -q caddy && dpkg-deb -x caddy_*.deb "$REHEARSAL/caddy")
  fi
  "$REHEARSAL/caddy/usr/bin/caddy" version
  local example=$REPO/deploy/compose.env.example
  DOMAIN=$(sed -n 's/^DOMAIN=//p' "$example") ACME_EMAIL=$(sed -n 's/^ACME_EMAIL=//p' "$example") \
    "$REHEARSAL/caddy/usr/bin/caddy" validate --adapter caddyfile --config "$REPO/deploy/Caddyfile" \
    2>&1 | tail -1
  say "caddy: the same with ACME_EMAIL empty (must fail: compose.yaml requires it)"
  DOMAIN=club.example.org ACME_EMAIL='' "$REHEARSAL/caddy/usr/bin/caddy" validate --adapter caddyfile \
    --config "$REPO/deploy/Caddyfile" 2>&1 | tail -1 || true
}

case ${1:-all} in
  base) step_base ;;
  builder) step_builder ;;
  builder-source) step_builder_source ;;
  runtime-packages) step_runtime_packages ;;
  runtime) step_runtime ;;
  caddy) step_caddy ;;
  run) step_run ;;
  all) step_base; step_builder; step_runtime_packages; step_runtime; step_caddy; step_run ;;
  *) echo "usage: $0 [base|builder|builder-source|runtime-packages|runtime|caddy|run|all]" >&2; exit 2 ;;
esac
