-- The SQL logins of the suite, run by compose's one-shot step sql-logins as sa (sqlcmd; $(NAME) are the
-- passwords from .env, passed as environment variables; they must not contain a single quote). Idempotent:
-- a rerun creates what is missing and sets the passwords again.
--
-- integration_migrator       migrates: db_owner of the three databases (Storage:MigrationConnectionString)
-- integration_measures       run time of Measures: its own database only
-- integration_demographics   run time of Demographics: its own database only
-- integration_reporting      run time of Reporting: its own database only
-- integration_worker         run time of the snapshot worker: the reporting database only
-- A run-time user is a member of the role integration_runtime, which the migrations grant SELECT, INSERT,
-- UPDATE and DELETE on the data, deny UPDATE and DELETE on audit_records, and deny ALTER: it cannot change the
-- schema, and so cannot disable the audit trail's append-only trigger. No component connects as sa.
USE master;
GO
IF SUSER_ID(N'integration_migrator') IS NULL CREATE LOGIN integration_migrator WITH PASSWORD = N'$(SQL_MIGRATOR_PASSWORD)';
ELSE ALTER LOGIN integration_migrator WITH PASSWORD = N'$(SQL_MIGRATOR_PASSWORD)';
IF SUSER_ID(N'integration_measures') IS NULL CREATE LOGIN integration_measures WITH PASSWORD = N'$(SQL_MEASURES_PASSWORD)';
ELSE ALTER LOGIN integration_measures WITH PASSWORD = N'$(SQL_MEASURES_PASSWORD)';
IF SUSER_ID(N'integration_demographics') IS NULL CREATE LOGIN integration_demographics WITH PASSWORD = N'$(SQL_DEMOGRAPHICS_PASSWORD)';
ELSE ALTER LOGIN integration_demographics WITH PASSWORD = N'$(SQL_DEMOGRAPHICS_PASSWORD)';
IF SUSER_ID(N'integration_reporting') IS NULL CREATE LOGIN integration_reporting WITH PASSWORD = N'$(SQL_REPORTING_PASSWORD)';
ELSE ALTER LOGIN integration_reporting WITH PASSWORD = N'$(SQL_REPORTING_PASSWORD)';
IF SUSER_ID(N'integration_worker') IS NULL CREATE LOGIN integration_worker WITH PASSWORD = N'$(SQL_WORKER_PASSWORD)';
ELSE ALTER LOGIN integration_worker WITH PASSWORD = N'$(SQL_WORKER_PASSWORD)';
-- The databases exist before anything migrates, so the migrator needs no server-wide right (dbcreator).
IF DB_ID(N'integration_measures') IS NULL CREATE DATABASE integration_measures;
IF DB_ID(N'integration_demographics') IS NULL CREATE DATABASE integration_demographics;
IF DB_ID(N'integration_reporting') IS NULL CREATE DATABASE integration_reporting;
GO

USE integration_measures;
GO
IF DATABASE_PRINCIPAL_ID(N'integration_migrator') IS NULL CREATE USER integration_migrator FOR LOGIN integration_migrator;
ALTER ROLE db_owner ADD MEMBER integration_migrator;
IF DATABASE_PRINCIPAL_ID(N'integration_runtime') IS NULL CREATE ROLE integration_runtime;
IF DATABASE_PRINCIPAL_ID(N'integration_measures') IS NULL CREATE USER integration_measures FOR LOGIN integration_measures;
ALTER ROLE integration_runtime ADD MEMBER integration_measures;
GO

USE integration_demographics;
GO
IF DATABASE_PRINCIPAL_ID(N'integration_migrator') IS NULL CREATE USER integration_migrator FOR LOGIN integration_migrator;
ALTER ROLE db_owner ADD MEMBER integration_migrator;
IF DATABASE_PRINCIPAL_ID(N'integration_runtime') IS NULL CREATE ROLE integration_runtime;
IF DATABASE_PRINCIPAL_ID(N'integration_demographics') IS NULL CREATE USER integration_demographics FOR LOGIN integration_demographics;
ALTER ROLE integration_runtime ADD MEMBER integration_demographics;
GO

USE integration_reporting;
GO
IF DATABASE_PRINCIPAL_ID(N'integration_migrator') IS NULL CREATE USER integration_migrator FOR LOGIN integration_migrator;
ALTER ROLE db_owner ADD MEMBER integration_migrator;
IF DATABASE_PRINCIPAL_ID(N'integration_runtime') IS NULL CREATE ROLE integration_runtime;
IF DATABASE_PRINCIPAL_ID(N'integration_reporting') IS NULL CREATE USER integration_reporting FOR LOGIN integration_reporting;
ALTER ROLE integration_runtime ADD MEMBER integration_reporting;
IF DATABASE_PRINCIPAL_ID(N'integration_worker') IS NULL CREATE USER integration_worker FOR LOGIN integration_worker;
ALTER ROLE integration_runtime ADD MEMBER integration_worker;
GO
