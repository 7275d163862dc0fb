R"sql(
-- 0002_supabase_grants (warehouse): on a Supabase database the REST API
-- reaches tables as the service_role role; let it use the warehouse schema
-- (RLS stays as it is: service_role bypasses it). Plain PostgreSQL has no
-- such role and this is a no-op there.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    EXECUTE 'GRANT USAGE ON SCHEMA {schema} TO service_role';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO service_role';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO service_role';
  END IF;
END
$$;
)sql"
