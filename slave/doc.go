// Package slave serves dpfw masters: it runs the Go snippets they send on
// a set of engines (one yaegi interpreter each, see package eval) and
// answers over a session.
//
// A Slave is either a server that masters dial (Serve) or a client that
// dials a master (Connect); the protocol is the same both ways. Each
// engine runs one task at a time, whichever master sent it, so masters
// may share a slave. Results, captured output and errors go back in the
// task's Response; nothing a snippet does, short of killing the process,
// takes the slave down.
package slave
