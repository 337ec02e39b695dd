//! The free variables of a `go!` block: the caller's locals that the block names, which the
//! expansion rebinds (Share → clone, Copy → copy) before moving them into the goroutine.
//!
//! A proc macro sees tokens, not names, so "variable" is decided by syntax:
//! - a *use* is a lone identifier in expression position (`x`, `x.f`, `x.m()`, `&x`,
//!   `S { x }`), or an implicit `{x}` / `{:w$}` argument of a std format string;
//! - it is a *variable* when its first letter (after leading `_`) is not upper case (so no
//!   constants, statics in `UPPER_CASE`, unit structs, enum variants), it is not `self`, and it
//!   is not a path with `::` or generic arguments;
//! - the callee of a call `f(x)` is not rebound: it is a function name, or a closure the
//!   `move` closure then takes as `move ||` would (a `Copy` closure is copied, a `FnOnce`
//!   moved, Go's `go func() { f() }()` with `f` a parameter). `(f)(x)` is an expression like
//!   any other, so a parenthesised callee is rebound (an `Arc<dyn Fn>` cloned);
//! - it is *free* when no enclosing binding of the block shadows it: `let`, closure parameters,
//!   `match` arms, `if let` / `while let` / `let` chains, `for` patterns, and items declared
//!   in a block (visible in the whole block); bodies of nested items see no locals, so they
//!   are skipped, as are types and inline `const { }` blocks.
//!
//! An *assignment* to a free variable (`n = 5`, `n += 1`, `n.field = 5`) is recorded apart
//! (`assignments`): the goroutine would change its own copy, not the caller's variable, so
//! `valid.rs` rejects it. Assigning to a variable the block bound itself (`let mut n = n;`) is
//! fine.
//!
//! Macro bodies are opaque token trees; `mac.rs` parses those it can (see there). A use the
//! analysis misses is not unsound: the `move` closure then moves that variable, as
//! `go!(move || ...)` would.
use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::visit::Visit;
use syn::{
    Arm, BinOp, Block, Expr, ExprAssign, ExprBinary, ExprCall, ExprClosure, ExprConst, ExprForLoop,
    ExprIf, ExprLet, ExprPath, ExprWhile, Item, Local, Macro, Pat, Stmt, Type, UseTree,
};

/// The free variables of the block `stmts`, each once, in order of first use, each carrying
/// the span of its first use.
pub(crate) fn free_variables(stmts: &[Stmt]) -> Vec<Ident> {
    let mut vars = FreeVars::default();
    vars.block(stmts);
    vars.found
}

/// An assignment inside a `go!` block to one of its free variables.
pub(crate) struct Assignment {
    /// The variable assigned to.
    pub(crate) var: Ident,
    /// The whole assignment expression, for the error's span.
    pub(crate) expr: TokenStream,
}

/// The assignments of the block `stmts` to its free variables, in source order.
pub(crate) fn assignments(stmts: &[Stmt]) -> Vec<Assignment> {
    let mut vars = FreeVars::default();
    vars.block(stmts);
    vars.assigned
}

/// The walk: a stack of scopes of bound names, and the free uses found so far.
#[derive(Default)]
pub(crate) struct FreeVars {
    /// Names bound by the block so far, innermost scope last.
    scopes: Vec<Vec<String>>,
    /// Free variables in order of first use.
    found: Vec<Ident>,
    /// Names in `found`, for the "each once" rule.
    seen: HashSet<String>,
    /// Assignments to free variables.
    assigned: Vec<Assignment>,
}

impl FreeVars {
    /// Opens a scope.
    pub(crate) fn push(&mut self) {
        self.scopes.push(Vec::new());
    }

    /// Closes the innermost scope.
    pub(crate) fn pop(&mut self) {
        self.scopes.pop();
    }

    /// Binds `ident` in the innermost scope.
    pub(crate) fn bind(&mut self, ident: &Ident) {
        let name = ident.unraw().to_string();
        match self.scopes.last_mut() {
            Some(scope) => scope.push(name),
            None => self.scopes.push(vec![name]),
        }
    }

    /// Binds every identifier the pattern `pat` introduces.
    pub(crate) fn bind_pat(&mut self, pat: &Pat) {
        match pat {
            Pat::Ident(p) => {
                self.bind(&p.ident);
                if let Some((_, sub)) = &p.subpat {
                    self.bind_pat(sub);
                }
            }
            Pat::Or(p) => p.cases.iter().for_each(|case| self.bind_pat(case)),
            Pat::Paren(p) => self.bind_pat(&p.pat),
            Pat::Reference(p) => self.bind_pat(&p.pat),
            Pat::Slice(p) => p.elems.iter().for_each(|elem| self.bind_pat(elem)),
            Pat::Struct(p) => p.fields.iter().for_each(|field| self.bind_pat(&field.pat)),
            Pat::Tuple(p) => p.elems.iter().for_each(|elem| self.bind_pat(elem)),
            Pat::TupleStruct(p) => p.elems.iter().for_each(|elem| self.bind_pat(elem)),
            Pat::Type(p) => self.bind_pat(&p.pat),
            _ => {}
        }
    }

    /// Records a use of `ident` if it is a variable not bound by the block.
    pub(crate) fn use_ident(&mut self, ident: &Ident) {
        let name = ident.unraw().to_string();
        if !is_variable_name(&name)
            || self.seen.contains(&name)
            || self.scopes.iter().flatten().any(|bound| *bound == name)
        {
            return;
        }
        self.seen.insert(name);
        self.found.push(ident.clone());
    }

    /// Whether `ident` is a variable name the block has not bound: a capture.
    fn is_free(&self, ident: &Ident) -> bool {
        let name = ident.unraw().to_string();
        is_variable_name(&name) && !self.scopes.iter().flatten().any(|bound| *bound == name)
    }

    /// Records the assignment `expr` if its place `left` is (a field or an element of) a
    /// free variable: the goroutine's copy, which Go's closure would share instead.
    pub(crate) fn assignment(&mut self, left: &Expr, expr: &impl ToTokens) {
        let mut place = left;
        loop {
            match place {
                Expr::Field(field) => place = &field.base,
                Expr::Paren(paren) => place = &paren.expr,
                Expr::Index(index) => place = &index.expr,
                _ => break,
            }
        }
        if let Expr::Path(path) = place
            && path.qself.is_none()
            && let Some(var) = path.path.get_ident()
            && self.is_free(var)
        {
            self.assigned.push(Assignment {
                var: var.clone(),
                expr: expr.to_token_stream(),
            });
        }
    }

    /// Walks the statements of a block in a scope of their own; items declared anywhere in
    /// the block are visible in all of it.
    pub(crate) fn block(&mut self, stmts: &[Stmt]) {
        self.push();
        for stmt in stmts {
            if let Stmt::Item(item) = stmt {
                self.bind_item(item);
            }
        }
        for stmt in stmts {
            self.visit_stmt(stmt);
        }
        self.pop();
    }

    /// Binds the value names an item declares (functions, constants, statics, imports).
    fn bind_item(&mut self, item: &Item) {
        match item {
            Item::Fn(f) => self.bind(&f.sig.ident),
            Item::Const(c) => self.bind(&c.ident),
            Item::Static(s) => self.bind(&s.ident),
            Item::Use(u) => self.bind_use(&u.tree),
            _ => {}
        }
    }

    /// Binds the names a `use` tree imports (globs import names we can't know).
    fn bind_use(&mut self, tree: &UseTree) {
        match tree {
            UseTree::Path(p) => self.bind_use(&p.tree),
            UseTree::Name(n) => self.bind(&n.ident),
            UseTree::Rename(r) => self.bind(&r.rename),
            UseTree::Group(g) => g.items.iter().for_each(|t| self.bind_use(t)),
            UseTree::Glob(_) => {}
        }
    }
}

/// Whether `name` (unraw) may name a local variable: not `self`, and its first letter after
/// leading underscores is not upper case (`x`, `_tx`, `_1`; not `MAX`, `None`, `_`).
fn is_variable_name(name: &str) -> bool {
    let rest = name.trim_start_matches('_');
    name != "self" && rest.chars().next().is_some_and(|c| !c.is_uppercase())
}

impl<'ast> Visit<'ast> for FreeVars {
    fn visit_block(&mut self, block: &'ast Block) {
        self.block(&block.stmts);
    }

    fn visit_local(&mut self, local: &'ast Local) {
        // The initialiser sees the bindings before this `let`, not the new ones.
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.bind_pat(&local.pat);
    }

    fn visit_item(&mut self, _: &'ast Item) {
        // Items see no locals; their names were bound by `block`.
    }

    fn visit_type(&mut self, _: &'ast Type) {}

    fn visit_expr_const(&mut self, _: &'ast ExprConst) {}

    fn visit_expr_path(&mut self, expr: &'ast ExprPath) {
        // `get_ident`: one segment, no `::` in front, no generic arguments.
        if expr.qself.is_none()
            && let Some(ident) = expr.path.get_ident()
        {
            self.use_ident(ident);
        }
    }

    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        // `f(x)`: a lone callee is left to the `move` closure (see the module docs); any other
        // callee, `(f)(x)` included, is an expression like any other.
        if !matches!(*call.func, Expr::Path(_)) {
            self.visit_expr(&call.func);
        }
        for arg in &call.args {
            self.visit_expr(arg);
        }
    }

    fn visit_expr_assign(&mut self, expr: &'ast ExprAssign) {
        self.assignment(&expr.left, expr);
        self.visit_expr(&expr.left);
        self.visit_expr(&expr.right);
    }

    fn visit_expr_binary(&mut self, expr: &'ast ExprBinary) {
        let compound = matches!(
            expr.op,
            BinOp::AddAssign(_)
                | BinOp::SubAssign(_)
                | BinOp::MulAssign(_)
                | BinOp::DivAssign(_)
                | BinOp::RemAssign(_)
                | BinOp::BitXorAssign(_)
                | BinOp::BitAndAssign(_)
                | BinOp::BitOrAssign(_)
                | BinOp::ShlAssign(_)
                | BinOp::ShrAssign(_)
        );
        if compound {
            self.assignment(&expr.left, expr);
        }
        self.visit_expr(&expr.left);
        self.visit_expr(&expr.right);
    }

    fn visit_expr_closure(&mut self, closure: &'ast ExprClosure) {
        self.push();
        for input in &closure.inputs {
            self.bind_pat(input);
        }
        self.visit_expr(&closure.body);
        self.pop();
    }

    fn visit_arm(&mut self, arm: &'ast Arm) {
        self.push();
        self.bind_pat(&arm.pat);
        if let Some((_, guard)) = &arm.guard {
            self.visit_expr(guard);
        }
        self.visit_expr(&arm.body);
        self.pop();
    }

    fn visit_expr_let(&mut self, expr: &'ast ExprLet) {
        // Binds into the scope its `if`/`while`/arm opened, after its scrutinee.
        self.visit_expr(&expr.expr);
        self.bind_pat(&expr.pat);
    }

    fn visit_expr_if(&mut self, expr: &'ast ExprIf) {
        self.push();
        self.visit_expr(&expr.cond);
        self.visit_block(&expr.then_branch);
        self.pop();
        if let Some((_, otherwise)) = &expr.else_branch {
            self.visit_expr(otherwise);
        }
    }

    fn visit_expr_while(&mut self, expr: &'ast ExprWhile) {
        self.push();
        self.visit_expr(&expr.cond);
        self.visit_block(&expr.body);
        self.pop();
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast ExprForLoop) {
        self.visit_expr(&expr.expr);
        self.push();
        self.bind_pat(&expr.pat);
        self.visit_block(&expr.body);
        self.pop();
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        self.macro_body(mac);
    }
}

#[cfg(test)]
mod tests {
    use super::free_variables;

    /// The free variables of the block `src`, by name.
    fn free(src: &str) -> Vec<String> {
        let block: syn::Block = syn::parse_str(src).expect("test input is a block");
        free_variables(&block.stmts)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn lone_lower_case_identifiers_in_expressions_are_variables() {
        assert_eq!(
            free("{ a.f(b, &c, S { d, e: e2 }); x.y }"),
            ["a", "b", "c", "d", "e2", "x"]
        );
    }

    #[test]
    fn functions_paths_constants_variants_and_self_are_not() {
        assert!(free("{ f(MAX, Some(None), Shape::Dot, m::g, self.v, Self::K, r#T) }").is_empty());
    }

    #[test]
    fn lone_callees_are_left_to_the_closure_but_parenthesised_ones_are_variables() {
        assert_eq!(free("{ f(x); g::<u8>(y); (h)(z) }"), ["x", "y", "h", "z"]);
    }

    /// The assignments of the block `src` to its free variables, by name.
    fn assigned(src: &str) -> Vec<String> {
        let block: syn::Block = syn::parse_str(src).expect("test input is a block");
        super::assignments(&block.stmts)
            .iter()
            .map(|a| a.var.to_string())
            .collect()
    }

    #[test]
    fn assignments_to_captures_are_found_but_not_to_the_blocks_own_bindings() {
        assert_eq!(
            assigned("{ n += 1; m = 2; s.f.g = 3; (p) <<= 1; v[0] = 1; *r = 2; K = 1; }"),
            ["n", "m", "s", "p", "v"]
        );
        // A select! arm that assigns (`x = <-rx`) assigns too; one that declares does not.
        assert_eq!(
            assigned("{ select! { x = <-rx => {}, (a.f, ok) = <-rx => {}, y := <-rx => {} } }"),
            ["x", "a", "ok"]
        );
        assert!(assigned("{ let mut n = n; n += 1; for mut i in 0..3 { i += n; } }").is_empty());
        assert!(assigned("{ let f = |mut a: i32| { a = 1; a }; }").is_empty());
        assert_eq!(assigned("{ { let mut n = 0; n = 1; } n = 2; }"), ["n"]);
    }

    #[test]
    fn each_variable_is_reported_once_in_order_of_first_use() {
        assert_eq!(free("{ b; a; b; a }"), ["b", "a"]);
    }

    #[test]
    fn bindings_of_the_block_shadow_from_their_binding_on() {
        assert_eq!(
            free("{ x; let x = y; x; let (p, Q { q, .. }) = x; p + q }"),
            ["x", "y"]
        );
        assert_eq!(free("{ let v = v + 1; v }"), ["v"]); // the initialiser sees the outer `v`
        assert_eq!(free("{ { let inner = 1; } inner }"), ["inner"]);
    }

    #[test]
    fn closures_arms_conditions_and_loops_bind_their_patterns() {
        assert!(free("{ |a, (b, c)| a + b + c; }").is_empty());
        assert_eq!(
            free("{ match m { Some(v) if v > lo => v, w @ _ => w } }"),
            ["m", "lo"]
        );
        assert_eq!(
            free("{ if let Some(v) = o && v > 0 { v } else { v } }"),
            ["o", "v"]
        );
        assert_eq!(free("{ while let Some(j) = rx.next() { j; } }"), ["rx"]);
        assert_eq!(
            free("{ for (i, x) in xs.iter().enumerate() { i + x + k; } }"),
            ["xs", "k"]
        );
    }

    #[test]
    fn items_bind_their_names_in_the_whole_block_and_hide_their_bodies() {
        assert!(free("{ helper(); let h = helper; fn helper() { outer } }").is_empty());
        assert!(free("{ use m::{lower, other as renamed}; lower; renamed }").is_empty());
        assert!(free("{ let a: [u8; n] = const { n }; }").is_empty());
    }

    #[test]
    fn format_macros_count_arguments_and_inline_names_but_not_named_arguments() {
        assert_eq!(
            free(r#"{ println!("{a} {b:?} {:w$} {named}", c, named = d); }"#),
            ["c", "d", "a", "b", "w"]
        );
        assert_eq!(
            free(r#"{ write!(out, "{x}"); assert_eq!(l, r, "{m}"); }"#),
            ["out", "x", "l", "r", "m"]
        );
        assert_eq!(
            free(r#"{ let x = 1; format!("{x}{{y}}") }"#),
            Vec::<String>::new()
        );
    }

    #[test]
    fn other_macros_are_read_as_expressions_repeats_or_blocks() {
        assert_eq!(
            free("{ vec![a; n]; dbg!(b, c); go! { let d = e; d } }"),
            ["a", "n", "b", "c", "e"]
        );
        assert_eq!(free("{ matches!(x, Some(v) if v > lim) }"), ["x", "lim"]);
        assert!(free("{ stringify!(a); cfg!(unix); concat!(\"b\") }").is_empty());
        assert!(free("{ custom!(@ weird tokens ~ a) }").is_empty());
    }

    #[test]
    fn select_arms_bind_received_values() {
        let src = "{ select! {
            case v := <-rx => use_it(v, a),
            (w, ok) := <-rx2 => { w; ok }
            case <-done => return,
            case tx <- val => {}
            default => b,
        } }";
        assert_eq!(free(src), ["rx", "a", "rx2", "done", "tx", "val", "b"]);
        assert_eq!(free("{ chan![i32; cap] }"), ["cap"]);
    }
}
