//! Compiles the C shim (shim/shim.c) against openl2tpd's headers, found in
//! the OpenL2TP 1.8 source tree that `OPENL2TP_SRC` names (after `make`:
//! `l2tp_rpc.h` is generated). tests/lab/build-openl2tp.sh makes one.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=OPENL2TP_SRC");
    println!("cargo:rerun-if-changed=shim/shim.c");
    println!("cargo:rerun-if-changed=shim/shim.h");
    let Some(src) = std::env::var_os("OPENL2TP_SRC").map(PathBuf::from) else {
        panic!(
            "OPENL2TP_SRC is not set: it names a built OpenL2TP 1.8 source tree \
             (bash tests/lab/build-openl2tp.sh makes one in ~/.cache/rppp-lab/openl2tp/src)"
        );
    };
    if !src.join("l2tp_rpc.h").is_file() {
        panic!(
            "OPENL2TP_SRC={}: no l2tp_rpc.h there (build openl2tpd first: it is generated)",
            src.display()
        );
    }
    cc::Build::new()
        .file("shim/shim.c")
        .include("shim")
        .include(&src)
        .include(src.join("usl"))
        .include("/usr/include/tirpc")
        .warnings(false)
        .compile("rppp_openl2tp_shim");
}
