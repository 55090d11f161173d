package io.regionmove.activities.data;

import java.sql.SQLException;

/** Source databases for the data tests: several types, constraints, indexes and sequences. */
final class SampleData {

  private SampleData() {}

  /** Creates {@code database} holding a few MB: customers, orders with bytea, an audit schema. */
  static void create(PrivateCluster pg, String database) throws SQLException {
    pg.createDatabase(database);
    pg.execute(
        database,
        """
        create table customers (
          id serial primary key,
          email text not null unique,
          name text not null,
          profile jsonb not null default '{}',
          balance numeric(14, 2) not null check (balance >= 0),
          created_at timestamptz not null default now());
        create table orders (
          id bigserial primary key,
          customer_id integer not null references customers (id),
          total numeric not null check (total > 0),
          ratio double precision,
          note text,
          payload bytea,
          placed_at timestamptz not null,
          unique (customer_id, placed_at));
        create index orders_placed_at on orders (placed_at);
        create schema audit;
        create table audit.events (
          id bigint generated always as identity primary key,
          kind text not null,
          data jsonb,
          at timestamptz);
        create sequence invoice_numbers start 1000;
        create sequence never_used;
        create view big_customers as select * from customers where balance > 500;

        insert into customers (email, name, profile, balance, created_at)
          select 'user' || i || '@example.com', 'User ' || i,
                 jsonb_build_object('tier', i % 5, 'tags', jsonb_build_array('a', i % 7), 'é', 'ü'),
                 (i * 7.31) % 1000, timestamptz '2024-01-01 00:00:00+00' + i * interval '17 minutes'
            from generate_series(1, 20000) i;
        insert into orders (customer_id, total, ratio, note, payload, placed_at)
          select 1 + (i % 20000), 1 + (i * 3.7) % 900, i / 7.0, repeat('note ' || i, 3),
                 decode(md5(i::text) || md5((i + 1)::text), 'hex'),
                 timestamptz '2024-02-01 00:00:00+00' + i * interval '1 minute'
            from generate_series(1, 60000) i;
        insert into audit.events (kind, data, at)
          select 'kind' || (i % 10), case when i % 3 = 0 then null else jsonb_build_object('n', i) end,
                 timestamptz '2024-03-01 00:00:00+00' + i * interval '1 second'
            from generate_series(1, 5000) i;
        select nextval('invoice_numbers') from generate_series(1, 42);
        analyze;
        """);
  }
}
