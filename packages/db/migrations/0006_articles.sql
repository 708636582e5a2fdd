CREATE TABLE "article_revisions" (
	"id" text PRIMARY KEY NOT NULL,
	"article_id" text NOT NULL,
	"number" integer NOT NULL,
	"version" integer NOT NULL,
	"author_id" text,
	"kind" text NOT NULL,
	"session_id" text,
	"name" text,
	"restored_from" integer,
	"changed" text[] DEFAULT '{}'::text[] NOT NULL,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"body" text NOT NULL,
	"excerpt" text NOT NULL,
	"tags" text[] NOT NULL,
	"cover" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "article_search" (
	"article_id" text NOT NULL,
	"scope" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"tags" text[] NOT NULL,
	"title" text NOT NULL,
	"content" text NOT NULL,
	"document" "tsvector" NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "article_search_article_id_scope_pk" PRIMARY KEY("article_id","scope")
);
--> statement-breakpoint
CREATE TABLE "articles" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"slug" text NOT NULL,
	"slug_from_title" boolean DEFAULT true NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"excerpt" text DEFAULT '' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"cover" jsonb,
	"status" text DEFAULT 'draft' NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"field_versions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"published_revision_id" text,
	"published_version" integer,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "article_revisions" ADD CONSTRAINT "article_revisions_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_revisions" ADD CONSTRAINT "article_revisions_author_id_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_search" ADD CONSTRAINT "article_search_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "article_revisions_article_id_number_key" ON "article_revisions" USING btree ("article_id","number");--> statement-breakpoint
CREATE INDEX "article_search_published_document_idx" ON "article_search" USING gin ("document") WHERE "article_search"."scope" = 'published';--> statement-breakpoint
CREATE INDEX "article_search_working_document_idx" ON "article_search" USING gin ("document") WHERE "article_search"."scope" = 'working';--> statement-breakpoint
CREATE INDEX "article_search_user_id_idx" ON "article_search" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "article_search_updated_at_idx" ON "article_search" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "article_search_tags_idx" ON "article_search" USING gin ("tags");--> statement-breakpoint
CREATE UNIQUE INDEX "articles_slug_key" ON "articles" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "articles_slug_prefix_idx" ON "articles" USING btree ("slug" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "articles_user_id_updated_at_id_idx" ON "articles" USING btree ("user_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "articles_published_updated_at_id_idx" ON "articles" USING btree ("updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "articles"."status" = 'published' and "articles"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "articles_tags_idx" ON "articles" USING gin ("tags");