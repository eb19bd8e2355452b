//! `enum_with_unknown!`: code points as enums that keep unknown values as data.
//!
//! PPP answers an unknown Code with Code-Reject, an unknown option with
//! Configure-Reject and an unknown protocol with Protocol-Reject (RFC 1661
//! sections 5.6, 5.4, 5.7), so an unknown value is never an error: it is the
//! `Unknown(value)` variant and converts back to the same number.

/// Declares an enum over an integer type with named values and an
/// `Unknown(value)` variant, with `From` conversions in both directions.
///
/// ```
/// rppp_lcp::enum_with_unknown! {
///     /// Colours.
///     pub enum Colour(u8) {
///         /// Red.
///         Red = 1,
///     }
/// }
/// assert_eq!(Colour::from(1), Colour::Red);
/// assert_eq!(u8::from(Colour::from(7)), 7);
/// ```
#[macro_export]
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
