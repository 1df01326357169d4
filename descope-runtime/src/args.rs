//! Argument traits of generated setters: lists and maps from anything that iterates.

use std::collections::BTreeMap;

/// A list argument: anything that iterates over items convertible into `T`: an array of
/// `&str`, a `Vec<String>`, an iterator.
///
/// ```
/// use descope_api::IntoList;
///
/// let ids: Vec<String> = ["U1", "U2"].into_list();
/// assert_eq!(ids, ["U1", "U2"]);
/// ```
pub trait IntoList<T> {
    /// The items, converted.
    fn into_list(self) -> Vec<T>;
}

impl<I, T> IntoList<T> for I
where
    I: IntoIterator,
    I::Item: Into<T>,
{
    fn into_list(self) -> Vec<T> {
        self.into_iter().map(Into::into).collect()
    }
}

/// A map argument (string keys): anything that iterates over `(key, value)` pairs whose key
/// converts into a `String` and whose value converts into `V`: an array of pairs, a `HashMap`, a
/// `BTreeMap`, an iterator. A key given twice keeps its last value.
///
/// ```
/// use std::collections::BTreeMap;
/// use descope_api::IntoMap;
///
/// let attributes: BTreeMap<String, String> = [("team", "core")].into_map();
/// assert_eq!(attributes["team"], "core");
/// ```
pub trait IntoMap<V> {
    /// The pairs, converted.
    fn into_map(self) -> BTreeMap<String, V>;
}

impl<I, K, W, V> IntoMap<V> for I
where
    I: IntoIterator<Item = (K, W)>,
    K: Into<String>,
    W: Into<V>,
{
    fn into_map(self) -> BTreeMap<String, V> {
        self.into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect()
    }
}
