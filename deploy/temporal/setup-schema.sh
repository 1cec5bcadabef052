#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases to the schemas of the server version that runs.
# Idempotent: every step is a no-op when already done, so it runs before every server start — in
# docker-compose as the one-shot `temporal-schema` job (temporalio/admin-tools), in `npm run start:cluster`
# with the temporal-sql-tool built next to the server. The schemas are inside the tool (--schema-name).
#
# Connection: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD (read by the tool itself).
# Databases: DBNAME (default temporal), VISIBILITY_DBNAME (default temporal_visibility).
# Tool: TEMPORAL_SQL_TOOL (default temporal-sql-tool on PATH).
set -eu

tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}
export SQL_PLUGIN=postgres12

setup() {
  db=$1
  schema=$2
  # CREATE DATABASE has no IF NOT EXISTS in PostgreSQL: an existing database is the expected case
  if ! out=$("$tool" --db "$db" create-database 2>&1); then
    case $out in
      *"already exists"*) ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  # -v 0.0 only records the starting version when none is recorded yet; update-schema applies what is newer
  "$tool" --db "$db" setup-schema -v 0.0
  "$tool" --db "$db" update-schema --schema-name "$schema"
  echo "temporal schema: $db is at $schema's newest version"
}

setup "${DBNAME:-temporal}" postgresql/v12/temporal
setup "${VISIBILITY_DBNAME:-temporal_visibility}" postgresql/v12/visibility
