-- Shared by every service: the append-only audit trail and the request ids of idempotent creates.
CREATE TABLE audit_records (
    id           BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_audit_records PRIMARY KEY,
    time         DATETIME2(7)   NOT NULL,
    subject      NVARCHAR(256)  NOT NULL,
    subject_name NVARCHAR(256)  NULL,
    method       NVARCHAR(256)  NOT NULL,
    resource     NVARCHAR(400)  NOT NULL,
    change       NVARCHAR(MAX)  NOT NULL
);
GO
CREATE INDEX ix_audit_records_resource ON audit_records (resource, id);
GO
CREATE INDEX ix_audit_records_subject ON audit_records (subject, id);
GO
-- Append-only: the database itself refuses to rewrite history.
CREATE TRIGGER audit_records_append_only ON audit_records INSTEAD OF UPDATE, DELETE
AS
BEGIN
    THROW 50000, N'audit records are append-only', 1;
END;
GO
CREATE TABLE request_ids (
    request_id   NVARCHAR(64)  NOT NULL CONSTRAINT pk_request_ids PRIMARY KEY,
    method       NVARCHAR(256) NOT NULL,
    resource     NVARCHAR(400) NOT NULL,
    create_time  DATETIME2(7)  NOT NULL
);
GO
