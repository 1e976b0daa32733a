-- Request ids belong to their caller and to their request: the key becomes (subject, request_id), and a
-- hash of the request is kept, so that the same id with another payload is refused. Ids recorded before
-- carry neither and can no longer be matched, which only means an old retry creates anew.
ALTER TABLE request_ids DROP CONSTRAINT pk_request_ids;
GO
ALTER TABLE request_ids ADD
    subject      NVARCHAR(256) NOT NULL CONSTRAINT df_request_ids_subject DEFAULT N'',
    request_hash NVARCHAR(64)  NOT NULL CONSTRAINT df_request_ids_request_hash DEFAULT N'';
GO
ALTER TABLE request_ids ADD CONSTRAINT pk_request_ids PRIMARY KEY (subject, request_id);
GO
