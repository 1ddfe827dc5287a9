//! The `filter` part: JSON text to an [`Expr`] over a schema's fields,
//! each value checked against its field's type.

use serde_json::{Map, Value as Json};

use super::{bad, FieldType, QueryError, Scalar, Schema, MAX_DEPTH, MAX_LIST, MAX_TERMS};

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every one holds (none: always true).
    And(Vec<Expr>),
    /// At least one holds (never empty).
    Or(Vec<Expr>),
    /// `field op value`; `None` is `null` (with `Eq` / `Ne` only).
    Cmp {
        field: usize,
        op: Op,
        value: Option<Scalar>,
    },
    /// `$in` (or, negated, `$nin`) the values, `null` among them if
    /// `with_null`.
    In {
        field: usize,
        values: Vec<Scalar>,
        with_null: bool,
        negate: bool,
    },
    /// `$exists`: the field has a (non-null) value, or not.
    Exists { field: usize, exists: bool },
}

impl Expr {
    /// Whether `field` is named anywhere in the expression.
    pub fn names(&self, field: usize) -> bool {
        match self {
            Expr::And(es) | Expr::Or(es) => es.iter().any(|e| e.names(field)),
            Expr::Cmp { field: f, .. }
            | Expr::In { field: f, .. }
            | Expr::Exists { field: f, .. } => *f == field,
        }
    }
}

/// Parses a filter's JSON text.
pub(super) fn parse(schema: &Schema, text: &str) -> Result<Expr, QueryError> {
    let Ok(Json::Object(map)) = serde_json::from_str::<Json>(text) else {
        return Err(bad("filter must be a JSON object"));
    };
    let mut terms = 0;
    Parser {
        schema,
        terms: &mut terms,
    }
    .object(&map, 0)
}

struct Parser<'a> {
    schema: &'a Schema,
    terms: &'a mut usize,
}

impl Parser<'_> {
    fn count(&mut self) -> Result<(), QueryError> {
        *self.terms += 1;
        if *self.terms > MAX_TERMS {
            return Err(bad(format!("filter: more than {MAX_TERMS} terms")));
        }
        Ok(())
    }

    fn object(&mut self, map: &Map<String, Json>, depth: usize) -> Result<Expr, QueryError> {
        if depth > MAX_DEPTH {
            return Err(bad(format!("filter: nested deeper than {MAX_DEPTH}")));
        }
        let mut all = Vec::with_capacity(map.len());
        for (key, value) in map {
            self.count()?;
            all.push(match key.as_str() {
                "$and" | "$or" => {
                    let list = value
                        .as_array()
                        .filter(|l| !l.is_empty() && l.len() <= MAX_LIST)
                        .ok_or_else(|| {
                            bad(format!(
                                "filter: {key} takes a non-empty array of at most {MAX_LIST} objects"
                            ))
                        })?;
                    let parts = list
                        .iter()
                        .map(|part| match part {
                            Json::Object(m) => self.object(m, depth + 1),
                            _ => Err(bad(format!("filter: {key} takes objects"))),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    if key == "$and" {
                        Expr::And(parts)
                    } else {
                        Expr::Or(parts)
                    }
                }
                op if op.starts_with('$') => {
                    return Err(bad(format!("filter: {op} is not an operator here")))
                }
                name => self.term(name, value)?,
            });
        }
        Ok(if all.len() == 1 {
            all.pop().expect("one term")
        } else {
            Expr::And(all)
        })
    }

    fn term(&mut self, name: &str, value: &Json) -> Result<Expr, QueryError> {
        let schema = self.schema;
        let field = schema
            .field(name)
            .filter(|&f| schema.fields[f].filterable)
            .ok_or_else(|| bad(format!("filter: {name} is not a filterable field")))?;
        let Json::Object(ops) = value else {
            return Ok(Expr::Cmp {
                field,
                op: Op::Eq,
                value: self.scalar(field, value, true)?,
            });
        };
        if ops.is_empty() || !ops.keys().all(|k| k.starts_with('$')) {
            return Err(bad(format!(
                "filter: {name} takes a value or an object of operators"
            )));
        }
        let mut all = Vec::with_capacity(ops.len());
        for (op, v) in ops {
            if !all.is_empty() {
                self.count()?;
            }
            let cmp = |op, nullable: bool, p: &mut Self| {
                Ok::<_, QueryError>(Expr::Cmp {
                    field,
                    op,
                    value: p.scalar(field, v, nullable)?,
                })
            };
            all.push(match op.as_str() {
                "$eq" => cmp(Op::Eq, true, self)?,
                "$ne" => cmp(Op::Ne, true, self)?,
                "$lt" | "$lte" | "$gt" | "$gte" => {
                    if !matches!(schema.fields[field].ty, FieldType::Int | FieldType::Str) {
                        return Err(bad(format!("filter: {name} cannot be ordered ({op})")));
                    }
                    let op = match op.as_str() {
                        "$lt" => Op::Lt,
                        "$lte" => Op::Lte,
                        "$gt" => Op::Gt,
                        _ => Op::Gte,
                    };
                    cmp(op, false, self)?
                }
                "$in" | "$nin" => {
                    let list = v
                        .as_array()
                        .filter(|l| l.len() <= MAX_LIST)
                        .ok_or_else(|| {
                            bad(format!(
                                "filter: {name} {op} takes an array of at most {MAX_LIST} values"
                            ))
                        })?;
                    let mut values = Vec::with_capacity(list.len());
                    let mut with_null = false;
                    for item in list {
                        match self.scalar(field, item, true)? {
                            Some(s) => values.push(s),
                            None => with_null = true,
                        }
                    }
                    values.sort();
                    values.dedup();
                    Expr::In {
                        field,
                        values,
                        with_null,
                        negate: op == "$nin",
                    }
                }
                "$exists" => Expr::Exists {
                    field,
                    exists: v.as_bool().ok_or_else(|| {
                        bad(format!("filter: {name} $exists takes true or false"))
                    })?,
                },
                other => return Err(bad(format!("filter: {other} is not an operator"))),
            });
        }
        Ok(if all.len() == 1 {
            all.pop().expect("one operator")
        } else {
            Expr::And(all)
        })
    }

    /// `value` as a value of `field` (`None` for `null`, where allowed).
    fn scalar(
        &self,
        field: usize,
        value: &Json,
        nullable: bool,
    ) -> Result<Option<Scalar>, QueryError> {
        let def = &self.schema.fields[field];
        let wrong = || {
            let kind = match def.ty {
                FieldType::Str | FieldType::StrList => "a string",
                FieldType::Bool => "true or false",
                FieldType::Int => "an integer",
            };
            let null = if nullable { " or null" } else { "" };
            bad(format!("filter: {} compares with {kind}{null}", def.name))
        };
        match (def.ty, value) {
            (_, Json::Null) if nullable => Ok(None),
            (FieldType::Str | FieldType::StrList, Json::String(s)) => {
                Ok(Some(Scalar::Str(s.clone())))
            }
            (FieldType::Bool, Json::Bool(b)) => Ok(Some(Scalar::Bool(*b))),
            (FieldType::Int, Json::Number(n)) => {
                n.as_i64().map(|i| Some(Scalar::Int(i))).ok_or_else(wrong)
            }
            _ => Err(wrong()),
        }
    }
}
