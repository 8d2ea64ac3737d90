// Package front is the Go front end of the engine: every snippet, file,
// :load and Broadcast passes through it before yaegi sees it, so that
// what runs is either what go run would compute or refused before it
// runs.
//
// # Pipeline
//
//  1. Layout. The snippet (a REPL cell: declarations and statements in
//     any order) becomes two files of package main: its declarations in
//     place, and its statements in place inside func ᐧcell(). Every
//     other byte is blanked, so each token keeps the user's line:col.
//  2. Type check with go/types, against the engine's history without
//     checking it again: each snippet is a fresh package "main" whose
//     scope is filled with the objects earlier snippets committed (minus
//     the names this snippet declares again: redefinition is a new
//     meaning from then on). Unexported names match across snippets
//     because go/types compares packages by path. Methods declared on an
//     earlier snippet's type are attached to it. Variables that
//     top-level statements declare (x := 5) persist: they are objects of
//     the cell's scope, committed like declarations; when the snippet's
//     own declarations use them, a second pass declares them at package
//     level. Errors are go/types' own messages at the user's positions.
//  3. Lower (lower.go, rewrite.go) to the Go that yaegi v0.16.1 runs
//     right: top-level statement variables become package variables and
//     the statements a function ᐧcellN whose result is the snippet's
//     value; every declaration of the snippet is compiled at once (so
//     declarations may refer to later ones); a redefined name gets a
//     fresh yaegi name (yaegi would keep the first type or method);
//     packages are referred to through ǂ-prefixed import aliases that no
//     user name can shadow; then the rewrites listed in rewrite.go.
//  4. Print with go/printer, //line directives carrying the user's
//     positions into yaegi's errors and panics.
//
// A statement-only snippet is cached by its text: run again while every
// name it used still means the same object, it costs a map lookup and the
// call of its cell.
//
// # Types without a Go toolchain
//
// The standard library's types come from export data embedded in the
// binary (stdtypes.zip, written by gen_stdtypes.go through go generate:
// about 0.9 MB for the 175 public packages of Go 1.26), decoded per
// package on first import and shared by every engine of the process.
// Native packages (the engine's dpfw, eval.Config.Packages, packages
// registered in the interpreter at run time) are typed from their yaegi
// symbol tables by reflection (native.go); their named types that belong
// to the standard library map to the standard library's own.
package front
