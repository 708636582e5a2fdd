ALTER TABLE "chat_conversations" ADD COLUMN "article_id" text;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD COLUMN "proposal" jsonb;--> statement-breakpoint
ALTER TABLE "chat_conversations" ADD CONSTRAINT "chat_conversations_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "chat_conversations_article_idx" ON "chat_conversations" USING btree ("article_id","user_id");