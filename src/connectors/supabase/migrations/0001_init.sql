R"sql(
-- 0001_init (warehouse): the analytics tables filled by the woo → supabase
-- flows. {schema} is replaced by the quoted warehouse schema. Every table's
-- primary key is (source, source_id) — source = "<tenant>/<source connection>" —
-- and carries the raw source JSON, a content hash (the upsert changes a row
-- only when it differs) and synced_at. Money is numeric, never float.
CREATE TABLE IF NOT EXISTS {schema}.customers (
  source           text NOT NULL CHECK (source <> ''),
  source_id        text NOT NULL CHECK (source_id <> ''),
  email            text,
  first_name       text,
  last_name        text,
  company          text,
  username         text,
  is_guest         boolean NOT NULL DEFAULT false,
  phone            text,
  billing_city     text,
  billing_state    text,
  billing_postcode text,
  billing_country  text,
  date_created     timestamptz,
  date_modified    timestamptz,
  raw              jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash     text NOT NULL,
  synced_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customers_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS customers_email_idx ON {schema}.customers (email);

CREATE TABLE IF NOT EXISTS {schema}.products (
  source           text NOT NULL CHECK (source <> ''),
  source_id        text NOT NULL CHECK (source_id <> ''),
  parent_source_id text,
  kind             text NOT NULL,
  name             text,
  sku              text,
  status           text,
  price            numeric(18,6),
  regular_price    numeric(18,6),
  currency         text,
  tax_status       text,
  tax_class        text,
  manage_stock     boolean,
  stock_quantity   numeric(18,6),
  date_created     timestamptz,
  date_modified    timestamptz,
  raw              jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash     text NOT NULL,
  synced_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS products_sku_idx ON {schema}.products (sku);
CREATE INDEX IF NOT EXISTS products_parent_idx ON {schema}.products (source, parent_source_id);

CREATE TABLE IF NOT EXISTS {schema}.orders (
  source               text NOT NULL CHECK (source <> ''),
  source_id            text NOT NULL CHECK (source_id <> ''),
  number               text,
  status               text NOT NULL,
  currency             text NOT NULL,
  prices_include_tax   boolean,
  customer_source_id   text,
  billing_email        text,
  billing_country      text,
  payment_method       text,
  payment_method_title text,
  transaction_id       text,
  date_created         timestamptz,
  date_modified        timestamptz,
  date_paid            timestamptz,
  discount_total       numeric(15,2),
  shipping_total       numeric(15,2),
  total_tax            numeric(15,2),
  total                numeric(15,2) NOT NULL,
  refunded_total       numeric(15,2),
  line_count           integer,
  raw                  jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash         text NOT NULL,
  synced_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS orders_status_idx ON {schema}.orders (status);
CREATE INDEX IF NOT EXISTS orders_date_modified_idx ON {schema}.orders (date_modified);

CREATE TABLE IF NOT EXISTS {schema}.order_lines (
  source        text NOT NULL CHECK (source <> ''),
  source_id     text NOT NULL CHECK (source_id <> ''),
  order_id      text NOT NULL,
  line_id       text,
  product_id    text,
  variation_id  text,
  sku           text,
  name          text,
  quantity      numeric(18,6),
  unit_price    numeric(18,6),
  subtotal      numeric(15,2),
  subtotal_tax  numeric(15,2),
  total         numeric(15,2),
  total_tax     numeric(15,2),
  tax_class     text,
  currency      text,
  raw           jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash  text NOT NULL,
  synced_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT order_lines_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS order_lines_order_id_idx ON {schema}.order_lines (source, order_id);
CREATE INDEX IF NOT EXISTS order_lines_sku_idx ON {schema}.order_lines (sku);

CREATE TABLE IF NOT EXISTS {schema}.refunds (
  source        text NOT NULL CHECK (source <> ''),
  source_id     text NOT NULL CHECK (source_id <> ''),
  order_id      text NOT NULL,
  amount        numeric(15,2) NOT NULL,
  currency      text,
  reason        text,
  date_created  timestamptz,
  line_count    integer,
  raw           jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash  text NOT NULL,
  synced_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT refunds_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS refunds_order_id_idx ON {schema}.refunds (source, order_id);

-- QBO documents per order (from the state store's id map, when a QBO
-- connection of the same tenant synced the order).
CREATE TABLE IF NOT EXISTS {schema}.invoices (
  source          text NOT NULL CHECK (source <> ''),
  source_id       text NOT NULL CHECK (source_id <> ''),
  order_id        text NOT NULL,
  qbo_connection  text NOT NULL,
  qbo_type        text NOT NULL,
  qbo_id          text NOT NULL,
  raw             jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash    text NOT NULL,
  synced_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT invoices_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS invoices_order_id_idx ON {schema}.invoices (source, order_id);
CREATE INDEX IF NOT EXISTS invoices_qbo_idx ON {schema}.invoices (qbo_type, qbo_id);

CREATE TABLE IF NOT EXISTS {schema}.payments (
  source          text NOT NULL CHECK (source <> ''),
  source_id       text NOT NULL CHECK (source_id <> ''),
  order_id        text NOT NULL,
  method          text,
  method_title    text,
  transaction_id  text,
  amount          numeric(15,2),
  currency        text,
  date_paid       timestamptz,
  raw             jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash    text NOT NULL,
  synced_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payments_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS payments_order_id_idx ON {schema}.payments (source, order_id);

CREATE TABLE IF NOT EXISTS {schema}.id_mappings (
  source            text NOT NULL CHECK (source <> ''),
  source_id         text NOT NULL CHECK (source_id <> ''),
  entity            text NOT NULL,
  entity_source_id  text NOT NULL,
  target_connection text NOT NULL,
  target_type       text,
  target_id         text NOT NULL,
  raw               jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash      text NOT NULL,
  synced_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT id_mappings_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS id_mappings_target_idx ON {schema}.id_mappings (target_connection, target_id);

CREATE TABLE IF NOT EXISTS {schema}.sync_logs (
  source       text NOT NULL CHECK (source <> ''),
  source_id    text NOT NULL CHECK (source_id <> ''),
  run_id       text NOT NULL,
  tenant_id    text,
  entity       text NOT NULL,
  mode         text,
  status       text,
  fetched      bigint,
  created      bigint,
  updated      bigint,
  skipped      bigint,
  failed       bigint,
  started_at   timestamptz,
  finished_at  timestamptz,
  raw          jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash text NOT NULL,
  synced_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sync_logs_pkey PRIMARY KEY (source, source_id)
);
CREATE INDEX IF NOT EXISTS sync_logs_run_idx ON {schema}.sync_logs (run_id);
CREATE INDEX IF NOT EXISTS sync_logs_finished_idx ON {schema}.sync_logs (finished_at);
)sql"
