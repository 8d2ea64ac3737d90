// Package master sends Go snippets to dpfw slaves and schedules them.
//
// A Master holds connections to slave nodes (slave processes, see
// slave.Node), whichever side dialed (Dial, Serve). Every engine of every
// connected slave node is one Slave to the master: it runs one task at a
// time. Submit hands a Task to the first idle Slave and returns a Future;
// Parallel runs many tasks and waits for all of them; Batch does the same
// with many tasks per message; Reserve takes a Slave out of the idle pool
// so that a sequence of pinned tasks (Slave.Submit) reaches the same
// interpreter and table; Broadcast runs a snippet on every Slave; Compile
// builds a Go package on every slave node, with the node's Go toolchain,
// so that snippets call it at compiled speed (import "native/NAME"), now
// and on nodes that connect later.
//
// Tasks wait in the master, in submission order, until a slave is idle;
// Config.Pipeline lets each slave take several at once. When a
// connection dies, every task running on its Slaves fails at once with a
// *RemoteError of kind "lost" naming the slave, unless the task is
// Idempotent, in which case it is run again on another Slave (at most
// Config.MaxRetries times); tasks pinned to those Slaves and not yet sent
// fail with ErrGone (itself kind "lost"). A slave server the Master
// dialed is dialed again until it is back (session.Redial); Info.Rejoin
// tells whether the node that answers is the same process (state kept)
// or a new one (state lost). Failures are typed: see Kind and IsKind;
// ErrClosed is the one error of a closed Master.
//
// All methods are safe for concurrent use.
package master
