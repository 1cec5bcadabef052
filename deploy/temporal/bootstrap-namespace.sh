#!/bin/sh
# Registers the application's namespace once the server answers. Idempotent: an existing namespace is left
# as it is (its retention may have been changed on purpose). Used by docker-compose's `temporal-namespace`
# job (temporalio/admin-tools) and by `npm run start:cluster` (the Temporal CLI the project caches).
#
# TEMPORAL_ADDRESS (host:port of the frontend), TEMPORAL_NAMESPACE (default "default"),
# NAMESPACE_RETENTION (closed workflows' history, default 30d), TEMPORAL_CLI (default temporal on PATH).
set -eu

cli=${TEMPORAL_CLI:-temporal}
ns=${TEMPORAL_NAMESPACE:-default}
address=${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}

tries=0
until "$cli" operator cluster health --address "$address" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then
    echo "Temporal at $address did not become healthy within 120 s" >&2
    exit 1
  fi
  sleep 1
done

if "$cli" operator namespace describe --address "$address" -n "$ns" >/dev/null 2>&1; then
  echo "temporal namespace: $ns exists"
  exit 0
fi
# two bootstraps at once: the loser's "already registered" is success too
if ! out=$("$cli" operator namespace create --address "$address" -n "$ns" --retention "${NAMESPACE_RETENTION:-30d}" 2>&1); then
  case $out in
    *"already"*) ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "temporal namespace: $ns registered"
