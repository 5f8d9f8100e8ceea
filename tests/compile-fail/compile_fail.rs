//! Compile-fail cases, by topic: `ui/attribute/` (the attribute's keys and values),
//! `ui/builder/` (the run-time builder), `ui/ticket/` (the single-use ticket). The
//! exchange client's are doctests on `MiniProgramLogin::exchange_client`. Each file
//! holds the mistakes of one topic, one item per mistake, named after it, with the
//! compiler's messages beside the file. Regenerate with `TRYBUILD=overwrite` on the
//! stable toolchain CI uses, then review `git diff`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/*.rs");
}
