CREATE TABLE "cards" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"template_id" text NOT NULL,
	"template_version" integer NOT NULL,
	"fields" jsonb NOT NULL,
	"size" jsonb NOT NULL,
	"theme" jsonb NOT NULL,
	"format" text NOT NULL,
	"scale" double precision NOT NULL,
	"quality" integer NOT NULL,
	"visibility" text DEFAULT 'private' NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" integer NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cards_user_id_created_at_id_idx" ON "cards" USING btree ("user_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "cards_key_idx" ON "cards" USING btree ("key");