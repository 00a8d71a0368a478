//! Pages of a list: `?page=1&per_page=50`, at most 500 a page; answered as
//! `{"items": [...], "page", "per_page", "total"}`. Out-of-range values are refused (422) rather
//! than quietly clamped, so a client never mistakes a shorter page for the end of the list.

use super::problem::{InvalidParam, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 500;
/// Far beyond any real list; keeps `OFFSET` arithmetic small.
pub const MAX_PAGE: i64 = 1_000_000;

/// The paging parameters of every list.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page to return, from 1.
    #[param(minimum = 1, maximum = 1_000_000, default = 1)]
    pub page: Option<i64>,
    /// Items per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// Reads and checks the paging parameters of a query string (other parameters are ignored).
    pub fn from_query(query: &str) -> Result<Paging, Problem> {
        let q = parse_query::<PageQuery>(query)?;
        let page = q.page.unwrap_or(1);
        let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut bad = Vec::new();
        if !(1..=MAX_PAGE).contains(&page) {
            bad.push(InvalidParam { name: "page".into(), reason: format!("must be 1 to {MAX_PAGE}") });
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            bad.push(InvalidParam { name: "per_page".into(), reason: format!("must be 1 to {MAX_PER_PAGE}") });
        }
        if bad.is_empty() {
            Ok(Paging { page, per_page })
        } else {
            Err(Problem::invalid(bad))
        }
    }

    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// This page of a list held in memory.
    pub fn slice<T>(self, all: Vec<T>) -> Vec<T> {
        all.into_iter().skip(self.offset() as usize).take(self.per_page as usize).collect()
    }
}

/// Parses a query string into `T`; anything that does not fit is a 422 that names the
/// parameters it could, without echoing their values.
pub fn parse_query<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, Problem> {
    if query.len() > 2048 {
        return Err(Problem::invalid_param("query", "the query string is longer than 2048 bytes"));
    }
    actix_web::web::Query::<T>::from_query(query).map(|q| q.into_inner()).map_err(|e| {
        let text = e.to_string();
        let name = ["page", "per_page", "format", "questionnaire"]
            .iter()
            .find(|n| text.contains(&format!("`{n}`")))
            .map(|n| n.to_string())
            .unwrap_or_else(|| "query".into());
        let reason = if text.contains("duplicate field") { "given more than once" } else { "not a valid value" };
        Problem::invalid(vec![InvalidParam { name, reason: reason.into() }])
    })
}

/// One page of a list, in the shape every list of the API has.
macro_rules! api_page {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// The page returned, from 1.
            pub page: i64,
            /// Items per page asked for; the last page may hold fewer.
            pub per_page: i64,
            /// Items in the whole list.
            pub total: i64,
        }

        impl $name {
            pub fn new(items: Vec<$item>, p: $crate::api::paging::Paging, total: i64) -> Self {
                $name { items, page: p.page, per_page: p.per_page, total }
            }
        }
    };
}
pub(crate) use api_page;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_bounds() {
        assert_eq!(Paging::from_query("").unwrap(), Paging { page: 1, per_page: 50 });
        assert_eq!(Paging::from_query("page=3&per_page=500&x=y").unwrap().offset(), 1000);
        for bad in ["per_page=0", "per_page=10000", "page=0", "page=-1", "page=abc", "per_page=", "page=1&page=2"] {
            let p = Paging::from_query(bad).unwrap_err();
            assert_eq!(p.status, 422, "{bad}");
        }
        let p = Paging::from_query("per_page=0&page=0").unwrap_err();
        assert_eq!(p.invalid_params.len(), 2);
        assert_eq!(Paging { page: 2, per_page: 2 }.slice(vec![1, 2, 3, 4, 5]), vec![3, 4]);
    }
}
