-- The area catalogue is time-travelled like the observations: an answer as known at an instant leaves
-- out the areas (and successor links) recorded after it, so a district added today never changes an
-- earlier answer or a snapshot's recount. The reference data of migration 0002 has been known since
-- always (0001-01-01); an area created through the API before this migration gets the time of its
-- audit record, the moment its creation was committed.
ALTER TABLE areas ADD COLUMN record_time TEXT NOT NULL DEFAULT '0001-01-01 00:00:00';
ALTER TABLE area_successors ADD COLUMN record_time TEXT NOT NULL DEFAULT '0001-01-01 00:00:00';

UPDATE areas
SET record_time = (SELECT MIN(a.time) FROM audit_records AS a WHERE a.resource = 'areas/' || areas.id)
WHERE EXISTS (SELECT 1 FROM audit_records AS a WHERE a.resource = 'areas/' || areas.id);

UPDATE area_successors
SET record_time = (SELECT areas.record_time FROM areas WHERE areas.id = area_successors.area_id);
