CREATE TABLE "task_streams" (
	"user_id" text PRIMARY KEY NOT NULL,
	"last_event_id" bigint NOT NULL,
	"prev_event_id" bigint
);
--> statement-breakpoint
ALTER TABLE "task_streams" ADD CONSTRAINT "task_streams_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_queued_kind_user_idx" ON "tasks" USING btree ("kind","user_id") WHERE "tasks"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "tasks_queued_user_idx" ON "tasks" USING btree ("user_id","priority" DESC NULLS FIRST,"created_at","id") WHERE "tasks"."status" = 'queued';--> statement-breakpoint
-- Logs written before this migration end at their newest event.
INSERT INTO "task_streams" ("user_id", "last_event_id") SELECT "user_id", max("id") FROM "task_events" GROUP BY "user_id";
