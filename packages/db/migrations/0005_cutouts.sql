CREATE TABLE "cutouts" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"file_name" text,
	"upload_id" text,
	"source_mime" text NOT NULL,
	"source_bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"model" text NOT NULL,
	"tier" text NOT NULL,
	"mask_options" jsonb NOT NULL,
	"infer_ms" real NOT NULL,
	"outputs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cutouts" ADD CONSTRAINT "cutouts_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cutouts_user_id_created_at_id_idx" ON "cutouts" USING btree ("user_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);