DROP INDEX "tasks_queued_idx";--> statement-breakpoint
DROP INDEX "tasks_queued_kind_user_idx";--> statement-breakpoint
CREATE INDEX "tasks_queued_idx" ON "tasks" USING btree ("kind","priority" DESC NULLS FIRST,"created_at","id") WHERE "tasks"."status" = 'queued' and "tasks"."kind" <> '';--> statement-breakpoint
CREATE INDEX "tasks_queued_kind_user_idx" ON "tasks" USING btree ("kind","user_id") WHERE "tasks"."status" = 'queued' and "tasks"."kind" <> '';