// Package slave serves dpfw masters: a Node is a slave process's server
// side, running the Go snippets masters send on a set of engines (one
// yaegi interpreter each, see package eval) and answering over sessions.
//
// Words: a slave node (Node) is the process; each of its engines is, to
// a master, one slave (master.Slave, ids s1, s2, …) that runs one task
// at a time.
//
// A Node either serves masters that dial it (Serve) or dials a master
// (Connect, Reconnect); the protocol is the same both ways. Each engine
// runs one task at a time, whichever master sent it, so masters may
// share a node. Results, captured output and errors go back in the
// task's Response; nothing a snippet does, short of killing the process,
// takes the node down.
//
// A master may also send the Go source of a package (session.KindCompile,
// Master.Compile): the node builds it with its own Go toolchain as a Go
// plugin matching the running binary, loads it and registers it with every
// engine, so that snippets import it as native/NAME (see package
// slave/native). Config.NoNative, or a sandbox (Eval.Sandbox), refuses
// that.
package slave
