-- Request ids belong to their caller and to their request: the key becomes (subject, request_id), and a
-- hash of the request is kept, so that the same id with another payload is refused. Ids recorded before
-- carry neither and can no longer be matched, which only means an old retry creates anew.
CREATE TABLE request_ids_scoped (
    subject      TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    method       TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    resource     TEXT NOT NULL,
    create_time  TEXT NOT NULL,
    PRIMARY KEY (subject, request_id)
);
INSERT INTO request_ids_scoped (subject, request_id, method, request_hash, resource, create_time)
SELECT '', request_id, method, '', resource, create_time FROM request_ids;
DROP TABLE request_ids;
ALTER TABLE request_ids_scoped RENAME TO request_ids;
