-- The public map at scale: reports counted per map cell at every cluster zoom, kept current by the writes
-- themselves, so a map request reads a few hundred rows whatever the number of reports.
--
-- Cells are Web Mercator tiles (the grid of the map's own tiles). Every report stores its position as integer
-- world coordinates at level 26 (`mx`, `my`: ~0.6 m at the equator); the cell of level L is `(mx >> (26 - L),
-- my >> (26 - L))`, so a report belongs to exactly one cell per level and to the tiles containing that cell. The
-- cell key `q` interleaves the bits of x and y (a Morton / quadkey code): the cells of a tile at any finer level
-- are one contiguous range of `q`, read with one index range scan.
--
-- Levels 8, 10, 12, 14 and 16 are stored (every other level, from the size of a region down to ~600 m: each
-- stored level costs every write one more row per table). A map tile at zoom z (z <= 15) is answered with its
-- cells of level min(z + 2, 16) (4 x 4 cells, 64 px apart), read from the stored level at or just below
-- (finer; four cells summed into one for the odd levels, all of a level-8 cell's for z < 6); from zoom 16 the
-- map shows single reports, read from `report` itself.

-- Integer world coordinates (2^26 per axis). Latitude clamped to Web Mercator's ±85.0511°.
create function map_wx(lng double precision) returns integer immutable parallel safe language sql as $$
    select least(greatest(floor((lng + 180.0) / 360.0 * 67108864.0), 0), 67108863)::integer
$$;
create function map_wy(lat double precision) returns integer immutable parallel safe language sql as $$
    select least(greatest(floor(
        (1.0 - ln(tan(radians(least(greatest(lat, -85.0511287798), 85.0511287798)))
                  + 1.0 / cos(radians(least(greatest(lat, -85.0511287798), 85.0511287798)))) / pi()) / 2.0
        * 67108864.0), 0), 67108863)::integer
$$;

-- The Morton code of (x, y), 26 bits each: the bits of x at the even positions, those of y at the odd ones.
create function map_morton(x integer, y integer) returns bigint immutable parallel safe language plpgsql as $$
declare
    a bigint := x;
    b bigint := y;
begin
    a := (a | (a << 16)) & 281470681808895;        -- 0x0000FFFF0000FFFF
    a := (a | (a << 8)) & 71777214294589695;       -- 0x00FF00FF00FF00FF
    a := (a | (a << 4)) & 1085102592571150095;     -- 0x0F0F0F0F0F0F0F0F
    a := (a | (a << 2)) & 3689348814741910323;     -- 0x3333333333333333
    a := (a | (a << 1)) & 6148914691236517205;     -- 0x5555555555555555
    b := (b | (b << 16)) & 281470681808895;
    b := (b | (b << 8)) & 71777214294589695;
    b := (b | (b << 4)) & 1085102592571150095;
    b := (b | (b << 2)) & 3689348814741910323;
    b := (b | (b << 1)) & 6148914691236517205;
    return a | (b << 1);
end
$$;

-- `mx`, `my`: the world coordinates; `mq` their Morton code, whose top 2L bits are the key of the cell of
-- level L (`mq >> (52 - 2 L)`).
alter table report
    add column mx integer generated always as (map_wx(ST_X(location))) stored,
    add column my integer generated always as (map_wy(ST_Y(location))) stored,
    add column mq bigint generated always as (map_morton(map_wx(ST_X(location)), map_wy(ST_Y(location)))) stored;

-- Months since January 2000 (UTC): the period filter's unit.
create function map_month(t timestamptz) returns smallint immutable parallel safe language sql as $$
    select ((extract(year from t at time zone 'UTC')::integer - 2000) * 12
            + extract(month from t at time zone 'UTC')::integer - 1)::smallint
$$;

-- Counts per cell and state, with the sums of the world coordinates (the cluster is drawn at the mean
-- position of its reports, not at the cell's corner). `version` changes whenever a report of the cell changes,
-- even when no count does (a category changed, say): the tile answers' ETags and caches follow it.
create table map_cell (
    level smallint not null check (level in (8, 10, 12, 14, 16)),
    q bigint not null,
    state report_state not null,
    -- No `check (n >= 0)`: PostgreSQL checks the row an upsert proposes (a decrement, -1) before it finds the
    -- conflict; the property test and `map_cells_rebuild` comparisons keep the counts honest.
    n integer not null,
    sx bigint not null,
    sy bigint not null,
    version bigint not null,
    primary key (level, q, state)
);

-- The same counts split by every filter of the map but the text search, for filtered views; at levels 8, 12
-- and 16 only (every write adds one row per level here too: filtered views read the next finer of these and
-- sum 4 or 16 cells into one).
create table map_cell_detail (
    level smallint not null check (level in (8, 12, 16)),
    q bigint not null,
    state report_state not null,
    category_id integer not null,
    kind report_kind not null,
    area_id integer not null, -- 0: outside every district
    office_id integer not null,
    month smallint not null,
    n integer not null,
    sx bigint not null,
    sy bigint not null,
    primary key (level, q, state, category_id, kind, area_id, office_id, month)
);

create sequence map_version_seq;

-- One report entering (+1) or leaving (-1) the map.
create type map_change as (
    sign integer, mq bigint, mx integer, my integer, state report_state, category_id integer,
    kind report_kind, area_id integer, office_id integer, month smallint
);

-- What the map shows: public, confirmed, not internal.
create function map_visible(r report) returns boolean immutable parallel safe language sql as $$
    select r.is_public and not r.is_internal and r.confirmed_at is not null
$$;

create function map_change_of(r report, sign integer) returns map_change immutable parallel safe language sql as $$
    select row(sign, r.mq, r.mx, r.my, r.state, r.category_id, r.kind, coalesce(r.area_id, 0), r.office_id,
               map_month(r.created_at))::map_change
$$;

-- Adds the changes to both tables at every level, one statement per table, rows in key order (two writers
-- touching the same cells lock them in the same order: no deadlock). Then tells every server instance which
-- cells of level 16 changed (`*`: too many to list, forget everything).
create function map_cells_apply(changes map_change[]) returns void language plpgsql as $$
declare
    v bigint := nextval('map_version_seq');
    cells text;
begin
    with d as (
        select l::smallint as level, c.mq >> (52 - 2 * l) as q, c.*
        from unnest(changes) c cross join unnest(array[8, 10, 12, 14, 16]) l
    ), a as (
        insert into map_cell (level, q, state, n, sx, sy, version)
        select level, q, state, sum(sign), sum(sign * mx::bigint), sum(sign * my::bigint), v
        from d group by level, q, state order by level, q, state
        on conflict (level, q, state) do update
            set n = map_cell.n + excluded.n, sx = map_cell.sx + excluded.sx, sy = map_cell.sy + excluded.sy,
                version = excluded.version
    )
    insert into map_cell_detail (level, q, state, category_id, kind, area_id, office_id, month, n, sx, sy)
    select level, q, state, category_id, kind, area_id, office_id, month,
           sum(sign), sum(sign * mx::bigint), sum(sign * my::bigint)
    from d where level in (8, 12, 16)
    group by level, q, state, category_id, kind, area_id, office_id, month
    order by level, q, state, category_id, kind, area_id, office_id, month
    on conflict (level, q, state, category_id, kind, area_id, office_id, month) do update
        set n = map_cell_detail.n + excluded.n, sx = map_cell_detail.sx + excluded.sx,
            sy = map_cell_detail.sy + excluded.sy;

    select case when count(distinct q) > 50 then '*' else string_agg(distinct q::text, ',') end into cells
    from (select c.mq >> 20 as q from unnest(changes) c) x;
    if cells is not null then
        perform pg_notify('map_cells', cells);
    end if;
end
$$;

create function map_cells_inserted() returns trigger language plpgsql as $$
declare
    changes map_change[];
begin
    select array_agg(map_change_of(i, 1)) into changes from inserted i where map_visible(i);
    if changes is not null then
        perform map_cells_apply(changes);
    end if;
    return null;
end
$$;

create function map_cells_deleted() returns trigger language plpgsql as $$
declare
    changes map_change[];
begin
    select array_agg(map_change_of(o, -1)) into changes from deleted o where map_visible(o);
    if changes is not null then
        perform map_cells_apply(changes);
    end if;
    return null;
end
$$;

-- An update counts when anything the map shows or filters on changed: the old row leaves its cells, the new
-- one enters its own (often the same cells, with another state).
create function map_cells_updated() returns trigger language plpgsql as $$
declare
    changes map_change[];
begin
    select array_agg(c) into changes from (
        select unnest(array[
                   case when map_visible(o) then map_change_of(o, -1) end,
                   case when map_visible(n) then map_change_of(n, 1) end]) as c
        from old_rows o join new_rows n using (report_id)
        where map_change_of(o, 1) is distinct from map_change_of(n, 1) or map_visible(o) <> map_visible(n)
    ) s where c is not null;
    if changes is not null then
        perform map_cells_apply(changes);
    end if;
    return null;
end
$$;

create trigger map_cells_inserted after insert on report
    referencing new table as inserted for each statement execute function map_cells_inserted();
create trigger map_cells_deleted after delete on report
    referencing old table as deleted for each statement execute function map_cells_deleted();
create trigger map_cells_updated after update on report
    referencing old table as old_rows new table as new_rows for each statement execute function map_cells_updated();

-- Rebuilds both tables from `report` (after a bulk load with the triggers disabled, or to check them): level 16
-- from the reports, each coarser stored level from the one below.
create function map_cells_rebuild() returns void language plpgsql as $$
declare
    v bigint := nextval('map_version_seq');
    l integer;
begin
    truncate map_cell, map_cell_detail;
    insert into map_cell_detail (level, q, state, category_id, kind, area_id, office_id, month, n, sx, sy)
    select 16, r.mq >> 20, r.state, r.category_id, r.kind, coalesce(r.area_id, 0), r.office_id,
           map_month(r.created_at), count(*), sum(r.mx::bigint), sum(r.my::bigint)
    from report r where map_visible(r)
    group by 2, 3, 4, 5, 6, 7, 8;
    foreach l in array array[12, 8] loop
        insert into map_cell_detail (level, q, state, category_id, kind, area_id, office_id, month, n, sx, sy)
        select l, q >> 8, state, category_id, kind, area_id, office_id, month, sum(n), sum(sx), sum(sy)
        from map_cell_detail where level = l + 4
        group by 2, 3, 4, 5, 6, 7, 8;
    end loop;
    insert into map_cell (level, q, state, n, sx, sy, version)
    select 16, q, state, sum(n), sum(sx), sum(sy), v
    from map_cell_detail where level = 16 group by q, state;
    foreach l in array array[14, 12, 10, 8] loop
        insert into map_cell (level, q, state, n, sx, sy, version)
        select l, q >> 4, state, sum(n), sum(sx), sum(sy), v
        from map_cell where level = l + 2 group by 2, 3;
    end loop;
    perform pg_notify('map_cells', '*');
end
$$;

select map_cells_rebuild();

-- Full-text search of titles and descriptions (Italian stemming; an expression index, so the table does not
-- store a second copy of the text) and trigram search of receipt codes and titles (typos, partial codes).
create function report_search_text(title text, description text) returns tsvector immutable parallel safe
language sql as $$
    select to_tsvector('italian'::regconfig, title || ' ' || description)
$$;
create index report_search_gin on report using gin (report_search_text(title, description));
create index report_receipt_code_trgm on report using gin (receipt_code gin_trgm_ops);
create index report_title_trgm on report using gin (lower(title) gin_trgm_ops);

-- The reports of a tile (from zoom 16, and sparse tiles): one range of `mq`, only what the map shows.
create index report_map_mq_idx on report (mq) where is_public and not is_internal and confirmed_at is not null;
