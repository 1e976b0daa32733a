-- The area catalogue is time-travelled like the observations: an answer as known at an instant leaves
-- out the areas (and successor links) recorded after it, so a district added today never changes an
-- earlier answer or a snapshot's recount. The reference data of migration 0002 has been known since
-- always (0001-01-01); an area created through the API before this migration gets the time of its
-- audit record, the moment its creation was committed.
ALTER TABLE areas ADD record_time DATETIME2(7) NOT NULL CONSTRAINT df_areas_record_time DEFAULT '0001-01-01';
ALTER TABLE area_successors ADD record_time DATETIME2(7) NOT NULL CONSTRAINT df_area_successors_record_time DEFAULT '0001-01-01';
GO
UPDATE areas
SET record_time = (SELECT MIN(a.time) FROM audit_records AS a WHERE a.resource = N'areas/' + areas.id)
WHERE EXISTS (SELECT 1 FROM audit_records AS a WHERE a.resource = N'areas/' + areas.id);
GO
UPDATE s
SET record_time = a.record_time
FROM area_successors AS s
JOIN areas AS a ON a.id = s.area_id;
GO
