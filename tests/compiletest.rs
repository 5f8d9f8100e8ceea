//! Compile-fail cases: each file in `ui/` is one mistake, named after it, with the
//! compiler's message beside it. Regenerate with `TRYBUILD=overwrite` on the stable
//! toolchain CI uses, then review `git diff`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
