//! The query language ([`crate::core::query`]) compiled to SQL for SQLite
//! and PostgreSQL, with bound parameters: the same answers as the
//! evaluator in memory (a property test runs both over random records and
//! filters, on both engines).
//!
//! Semantics kept equal to the evaluator's: a missing value is `NULL`;
//! `$ne` and `$nin` match it (unless `null` is among `$nin`'s values);
//! ordering comparisons never do; strings compare and sort by bytes
//! (`COLLATE "C"` on PostgreSQL, SQLite's default `BINARY`); `NULL`s sort
//! first ascending and last descending on both; booleans are the store's
//! 0/1 flags. List fields have no column and are refused here.

use sqlx::any::AnyArguments;
use sqlx::{Any, AnyConnection, Row as _};

use crate::core::query::{Dir, Expr, FieldType, Op, Page, Query, Scalar, Schema};
use crate::store::{Dialect, StoreError};

/// A bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Int(i64),
    Str(String),
}

/// A compiled query: its `WHERE` condition, its `ORDER BY` keys and the
/// values bound to `$first..`.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub condition: String,
    pub order_by: String,
    pub binds: Vec<Bind>,
}

/// A resource's table: its name, the columns a row is read from, and each
/// schema field's column (`None`: not stored as one).
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub select: &'static str,
    pub columns: &'static [Option<&'static str>],
}

struct Compiler<'a> {
    schema: &'a Schema,
    columns: &'a [Option<&'static str>],
    dialect: Dialect,
    next: usize,
    binds: Vec<Bind>,
}

/// Compiles `query`'s filter and sort; parameters start at `$first`.
pub fn compile(
    query: &Query,
    schema: &Schema,
    columns: &[Option<&'static str>],
    dialect: Dialect,
    first: usize,
) -> Result<Compiled, StoreError> {
    let mut c = Compiler {
        schema,
        columns,
        dialect,
        next: first,
        binds: Vec::new(),
    };
    let condition = c.expr(&query.filter)?;
    let order_by = query
        .sort
        .iter()
        .map(|&(field, dir)| {
            let col = c.ordered(field)?;
            Ok(match dir {
                Dir::Asc => format!("{col} ASC NULLS FIRST"),
                Dir::Desc => format!("{col} DESC NULLS LAST"),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?
        .join(", ");
    Ok(Compiled {
        condition,
        order_by,
        binds: c.binds,
    })
}

impl Compiler<'_> {
    fn column(&self, field: usize) -> Result<&'static str, StoreError> {
        self.columns.get(field).copied().flatten().ok_or_else(|| {
            StoreError::Config(format!(
                "{} has no column to query",
                self.schema.fields[field].name
            ))
        })
    }

    /// The column as ordering comparisons and sorts read it (bytes).
    fn ordered(&self, field: usize) -> Result<String, StoreError> {
        let col = self.column(field)?;
        Ok(match (self.dialect, self.schema.fields[field].ty) {
            (Dialect::Postgres, FieldType::Str) => format!("{col} COLLATE \"C\""),
            _ => col.to_owned(),
        })
    }

    fn bind(&mut self, value: &Scalar) -> String {
        self.binds.push(match value {
            Scalar::Bool(b) => Bind::Int(i64::from(*b)),
            Scalar::Int(i) => Bind::Int(*i),
            Scalar::Str(s) => Bind::Str(s.clone()),
        });
        let p = format!("${}", self.next);
        self.next += 1;
        p
    }

    fn list(&mut self, values: &[Scalar]) -> String {
        let params: Vec<String> = values.iter().map(|v| self.bind(v)).collect();
        params.join(", ")
    }

    fn expr(&mut self, e: &Expr) -> Result<String, StoreError> {
        Ok(match e {
            Expr::And(all) if all.is_empty() => "1=1".into(),
            Expr::And(all) => self.joined(all, " AND ")?,
            Expr::Or(any) => self.joined(any, " OR ")?,
            Expr::Cmp { field, op, value } => {
                let col = self.column(*field)?;
                match (op, value) {
                    (Op::Eq, None) => format!("{col} IS NULL"),
                    (Op::Ne, None) => format!("{col} IS NOT NULL"),
                    (Op::Eq, Some(v)) => format!("{col} = {}", self.bind(v)),
                    (Op::Ne, Some(v)) => format!("({col} IS NULL OR {col} <> {})", self.bind(v)),
                    (op, Some(v)) => {
                        let sql_op = match op {
                            Op::Lt => "<",
                            Op::Lte => "<=",
                            Op::Gt => ">",
                            _ => ">=",
                        };
                        format!("{} {sql_op} {}", self.ordered(*field)?, self.bind(v))
                    }
                    (_, None) => "1=0".into(),
                }
            }
            Expr::In {
                field,
                values,
                with_null,
                negate,
            } => {
                let col = self.column(*field)?;
                match (values.is_empty(), *with_null, *negate) {
                    (true, false, false) => "1=0".into(),
                    (true, false, true) => "1=1".into(),
                    (true, true, false) => format!("{col} IS NULL"),
                    (true, true, true) => format!("{col} IS NOT NULL"),
                    (false, false, false) => format!("{col} IN ({})", self.list(values)),
                    (false, true, false) => {
                        format!("({col} IS NULL OR {col} IN ({}))", self.list(values))
                    }
                    (false, false, true) => {
                        format!("({col} IS NULL OR {col} NOT IN ({}))", self.list(values))
                    }
                    (false, true, true) => {
                        format!(
                            "({col} IS NOT NULL AND {col} NOT IN ({}))",
                            self.list(values)
                        )
                    }
                }
            }
            Expr::Exists { field, exists } => {
                let col = self.column(*field)?;
                if *exists {
                    format!("{col} IS NOT NULL")
                } else {
                    format!("{col} IS NULL")
                }
            }
        })
    }

    fn joined(&mut self, parts: &[Expr], with: &str) -> Result<String, StoreError> {
        let parts = parts
            .iter()
            .map(|p| self.expr(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(format!("({})", parts.join(with)))
    }
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Any, AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, Any, AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Int(i) => q.bind(*i),
            Bind::Str(s) => q.bind(s.as_str()),
        };
    }
    q
}

/// One page of `table`'s rows of `tenant` that `query` selects, and how
/// many match in all; each row read with `read`.
pub async fn list<T>(
    conn: &mut AnyConnection,
    dialect: Dialect,
    table: &Table,
    schema: &Schema,
    tenant: &str,
    query: &Query,
    read: impl Fn(&sqlx::any::AnyRow) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    let c = compile(query, schema, table.columns, dialect, 2)?;
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM {} WHERE tenant_id = $1 AND {}",
        table.name, c.condition
    );
    let total: i64 = bind_all(sqlx::query(&count_sql).bind(tenant), &c.binds)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    let limit_at = 2 + c.binds.len();
    let rows_sql = format!(
        "SELECT {} FROM {} WHERE tenant_id = $1 AND {} ORDER BY {} LIMIT ${} OFFSET ${}",
        table.select,
        table.name,
        c.condition,
        c.order_by,
        limit_at,
        limit_at + 1
    );
    let offset = i64::try_from(query.paging.offset).unwrap_or(i64::MAX);
    let rows = bind_all(sqlx::query(&rows_sql).bind(tenant), &c.binds)
        .bind(i64::from(query.paging.limit))
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    Ok(Page {
        total: u64::try_from(total).unwrap_or_default(),
        items: rows.iter().map(read).collect::<Result<_, _>>()?,
    })
}
