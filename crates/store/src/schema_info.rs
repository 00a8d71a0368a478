//! The logical schema of a database as both backends can describe it, so that a test (and an
//! operator) can see that SQLite and PostgreSQL hold the same tables and columns.

use crate::db::DbConnection;
use crate::error::StoreResult;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub name: String,
    /// One of bigint, integer, text, boolean, timestamp, date, double.
    pub kind: String,
    pub nullable: bool,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
    #[diesel(sql_type = Bool)]
    primary_key: bool,
}

/// Tables and their columns in declaration order, without the migrations' bookkeeping table.
pub fn logical_schema(conn: &mut DbConnection) -> StoreResult<BTreeMap<String, Vec<Column>>> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                    (p.\"notnull\" = 0 AND p.pk = 0) AS nullable, (p.pk > 0) AS primary_key \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
             ORDER BY m.name, p.cid"
        }
        DbConnection::Postgres(_) => {
            "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, c.data_type::text AS data_type, \
                    (c.is_nullable = 'YES') AS nullable, \
                    EXISTS (SELECT 1 FROM information_schema.table_constraints t \
                            JOIN information_schema.key_column_usage k \
                              ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema \
                            WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema \
                              AND t.table_name = c.table_name AND k.column_name = c.column_name) AS primary_key \
             FROM information_schema.columns c \
             WHERE c.table_schema = current_schema() AND c.table_name <> '__diesel_schema_migrations' \
             ORDER BY c.table_name, c.ordinal_position"
        }
    };
    let rows: Vec<Row> = diesel::sql_query(sql).load(conn)?;
    let mut out: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for r in rows {
        out.entry(r.table_name).or_default().push(Column {
            name: r.column_name,
            kind: normalise_type(&r.data_type, r.primary_key),
            nullable: r.nullable,
        });
    }
    Ok(out)
}

fn normalise_type(declared: &str, primary_key: bool) -> String {
    let t = declared.to_lowercase();
    let kind = match t.as_str() {
        // SQLite's INTEGER PRIMARY KEY is the 64-bit row id.
        "integer" if primary_key => "bigint",
        "bigint" | "bigserial" => "bigint",
        "integer" | "int" => "integer",
        "text" | "character varying" => "text",
        "boolean" => "boolean",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "date" => "date",
        "double" | "double precision" | "real" => "double",
        other => return other.to_string(),
    };
    kind.to_string()
}
