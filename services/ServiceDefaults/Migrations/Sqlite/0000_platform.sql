-- Shared by every service: the append-only audit trail and the request ids of idempotent creates.
CREATE TABLE audit_records (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    time         TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    subject_name TEXT    NULL,
    method       TEXT    NOT NULL,
    resource     TEXT    NOT NULL,
    change       TEXT    NOT NULL
);
CREATE INDEX ix_audit_records_resource ON audit_records (resource, id);
CREATE INDEX ix_audit_records_subject ON audit_records (subject, id);

-- Append-only: the database itself refuses to rewrite history.
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

CREATE TABLE request_ids (
    request_id   TEXT NOT NULL PRIMARY KEY,
    method       TEXT NOT NULL,
    resource     TEXT NOT NULL,
    create_time  TEXT NOT NULL
);
