R"sql(
-- 0011_mappings: versions of each tenant's declarative field mappings
-- (src/mapping/field_map.h). The newest version of (tenant_id, name) is the
-- one in use; a rollback appends a copy of an older one.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)
CREATE TABLE field_mappings (
  tenant_id     TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  version       BIGINT  NOT NULL,  -- 1, 2, … per (tenant_id, name)
  entity        TEXT    NOT NULL,  -- order
  document      TEXT    NOT NULL,  -- the mapping file, JSON
  author        TEXT    NOT NULL,
  note          TEXT    NOT NULL,
  created_at_ms BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, name, version)
);
)sql"
