-- The rights of a service's run-time login (compose: deploy/sql/logins.sql makes its user a member): read and
-- write the data, run nothing else. It cannot change the schema (no ALTER), so it cannot disable the audit
-- trail's append-only trigger, and it is denied UPDATE and DELETE on the audit records outright.
IF DATABASE_PRINCIPAL_ID(N'integration_runtime') IS NULL
    CREATE ROLE integration_runtime;
GO
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::dbo TO integration_runtime;
GO
DENY UPDATE, DELETE ON OBJECT::dbo.audit_records TO integration_runtime;
GO
DENY ALTER ON SCHEMA::dbo TO integration_runtime;
GO
