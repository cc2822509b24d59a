CREATE TABLE "account_leases" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"holder" text,
	"token" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"acquired_at" timestamp with time zone NOT NULL,
	"renewed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_processes" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_leases" ADD CONSTRAINT "account_leases_account_id_sending_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."sending_accounts"("id") ON DELETE cascade ON UPDATE no action;