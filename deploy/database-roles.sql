-- The two roles of komae-sns's database (README "Running it on a city's server", step 4):
--   owner  owns the schema: runs `migrate` and `restore` (MIGRATE_DATABASE_URL, /etc/komae-sns/migrate.env)
--   app    what the web app, the worker and beat connect as (DATABASE_URL): SELECT, INSERT, UPDATE,
--          DELETE and the sequences, nothing that undoes a protection (TRUNCATE, ALTER TABLE … DISABLE
--          TRIGGER, DROP TRIGGER, CREATE).
-- Create both roles and the database first, then run this as postgres in that database:
--   sudo -u postgres psql -d komae_sns -v owner=komae_sns_owner -v app=komae_sns -f deploy/database-roles.sql
-- Running it again changes nothing. Upgrading from one role that owns everything: REASSIGN OWNED BY the
-- app's role TO the owner first (README).
\set ON_ERROR_STOP on

-- The app's role must own nothing here: an owner keeps every right whatever is granted or revoked.
SELECT count(*) = 0 AS app_owns_nothing FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = :'app' \gset
\if :app_owns_nothing
\else
    DO $$ BEGIN
        RAISE EXCEPTION 'the app''s role still owns tables: first REASSIGN OWNED BY it TO the owner (README "Upgrading")';
    END $$;
\endif

BEGIN;
ALTER DATABASE :"DBNAME" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM :"app";
GRANT USAGE ON SCHEMA public TO :"app";

-- What the migrations made so far …
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

-- … and what later migrations (and a restore) make as the owner.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
COMMIT;
