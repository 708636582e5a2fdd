-- Task event ids are taken in blocks: one statement that appends several events for one owner
-- takes one value under the owner's task_streams lock and numbers its events from it.
-- Must match EVENT_ID_BLOCK in packages/core/src/tasks/store.ts.
ALTER SEQUENCE "task_events_id_seq" INCREMENT BY 32;
