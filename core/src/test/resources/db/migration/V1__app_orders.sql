-- An application's own first migration, in Flyway's default location, as docs/schema.md's recipes have beside
-- Gapless's migrations (which lie in db/gapless/migration and so never share its version numbers).
CREATE TABLE app_orders (id bigint PRIMARY KEY, note text NOT NULL);
