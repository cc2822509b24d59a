#!/bin/sh
# Run once by the postgres image when its data directory is first created (docker-entrypoint-initdb.d).
# Two roles: the owner of the database and every table (used only to migrate), and the service's role,
# which owns nothing and is granted its rights by `npm run migrate` / start-up after each migration.
set -eu
: "${BANGFU_DB:=bangfu}" "${BANGFU_OWNER:=bangfu_owner}" "${BANGFU_APP:=bangfu_app}"
: "${DB_OWNER_PASSWORD:?set DB_OWNER_PASSWORD}" "${DB_APP_PASSWORD:?set DB_APP_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v db="$BANGFU_DB" -v owner="$BANGFU_OWNER" -v app="$BANGFU_APP" \
  -v owner_password="$DB_OWNER_PASSWORD" -v app_password="$DB_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"db" OWNER :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
SQL
