//! `enum_with_unknown!`: code points as enums that keep unknown values as
//! data, as rppp-l2tp does. A RADIUS Code or attribute type this crate
//! does not name is never a parse error: it is the `Unknown(value)` variant
//! and converts back to the same number.

/// Declares an enum over an integer type with named values and an
/// `Unknown(value)` variant, with `From` conversions in both directions.
macro_rules! enum_with_unknown {
    (
        $( #[$enum_attr:meta] )*
        pub enum $name:ident($ty:ty) {
            $(
                $( #[$variant_attr:meta] )*
                $variant:ident = $value:expr
            ),+ $(,)?
        }
    ) => {
        $( #[$enum_attr] )*
        #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Clone, Copy)]
        pub enum $name {
            $(
                $( #[$variant_attr] )*
                $variant
            ),*,
            /// A value this implementation does not name, kept as data.
            Unknown($ty),
        }

        impl ::core::convert::From<$ty> for $name {
            fn from(value: $ty) -> Self {
                match value {
                    $( $value => $name::$variant ),*,
                    other => $name::Unknown(other),
                }
            }
        }

        impl ::core::convert::From<$name> for $ty {
            fn from(value: $name) -> Self {
                match value {
                    $( $name::$variant => $value ),*,
                    $name::Unknown(other) => other,
                }
            }
        }
    };
}
