-- PostGIS stores and indexes locations and areas; pg_trgm will back fuzzy search over titles and addresses.
-- The server checks the PostGIS version at startup (>= 3.3) before it runs these migrations.
create extension if not exists postgis;
create extension if not exists pg_trgm;
