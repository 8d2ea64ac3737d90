// Package session is the dpfw wire protocol: an authenticated, multiplexed
// connection between a master and a slave. It is the only package that
// imports yamux; wire.go holds the encoding and this comment is its spec.
//
// # Roles and connections
//
// Either side may dial or listen; the role (master or slave) is declared
// in the handshake and is independent of who dialed. New runs the protocol
// on an established net.Conn; Dial and Listen are conveniences. Listen
// binds 127.0.0.1 unless the address names a host.
//
// Only the master sends tasks (Call, OpenTask) and only the slave runs
// them (Serve); each method fails with ErrRole on the other role's
// session. A task that arrives at a master anyway (a rogue or buggy
// slave) is answered at once with a RemoteError of kind internal
// ("refused: a master runs no tasks…") and logged once per session; the
// session carries on. So a slave, which runs whatever its masters send,
// can never make a master run anything.
//
// # TLS (optional)
//
// With Config.TLS set, the connection is wrapped in TLS (1.3 with
// LoadTLS) before anything else, and everything below, handshake and
// yamux, runs inside it. The side that dialed the TCP connection is the
// TLS client, the side that accepted it the TLS server; the TLS
// handshake counts against Config.HandshakeTimeout. TLS adds encryption,
// integrity and, with a CA bundle on both sides, mutual certificate
// authentication; the token handshake still runs inside it, since only
// the token authorizes a peer to run code. Both ends must agree on TLS:
// a plain peer at a TLS end fails its TLS handshake ("first record does
// not look like a TLS handshake"), a TLS peer at a plain end fails with
// bad magic (a TLS ClientHello), each with one "handshake failed" line.
//
// # Handshake
//
// Before anything else (inside TLS when it is on), and within Config.HandshakeTimeout overall, each
// side writes, concurrently with reading the other's:
//
//  1. the preamble: the 4 bytes "DPFW" and the protocol version byte 0x02
//     (version 1 carried values inline; its peers are refused here);
//  2. a hello frame: {1: Identity, 2: Nonce (32 fresh random bytes)},
//     where Identity is {1: Role, 2: Name, 3: Host, 4: PID, 5: Engines,
//     6: Version, 7: Instance, 8: MaxInFlight};
//  3. a proof frame: {1: MAC}, where
//     MAC = HMAC-SHA256(token, "dpfw auth" || version || role || peerNonce || ownNonce)
//     with version the protocol version byte and role the prover's own
//     Role byte;
//  4. a verdict frame: {1: OK, 2: Reason}, e.g. "wrong token" or
//     "both sides are masters", so the rejected side learns why.
//
// Each handshake frame is a 4-byte big-endian length (at most 4096) and
// that many bytes of CBOR (a map with small-integer keys). A side checks
// the peer's MAC with hmac.Equal, then that the roles are one master and
// one slave; authentication is judged first. Any failure (bad magic, an
// HTTP request, a TLS ClientHello, a wrong version, truncation, malformed
// CBOR, silence past the timeout, a wrong token, incompatible roles)
// closes the connection and logs one WARN line "handshake failed" with the
// remote address and the reason. A version mismatch is seen by both sides
// at once, each from the other's preamble, and is an error wrapping
// ErrVersion that names both versions.
//
// Security properties: the token never crosses the wire; both sides
// prove knowledge of it (mutual challenge-response); fresh nonces on both
// sides make a recorded handshake useless for replay; binding the
// prover's role into the MAC defeats reflecting a peer's proof back at
// it, binding the version defeats rewriting the preambles so that two
// versions talk. The Identity in hello is sent before authentication, so an
// unauthenticated peer can learn names and versions. Without TLS,
// traffic after the handshake is neither encrypted nor
// integrity-protected: on an untrusted network set Config.TLS or run
// dpfw over a VPN or SSH tunnel.
//
// # Frames
//
// After the handshake the connection carries yamux; the master is the
// yamux client, the slave the yamux server, and both accept streams. The
// first stream, opened by the master during New, is the control stream.
// Every frame on every stream is a 4-byte big-endian length followed by a
// CBOR envelope:
//
//	{1: ID uint64, 2: Type, 3: Request, 4: Response, 5: Data bytes}
//
// with Type 1 request (Request set), 2 response (Response set), 3 cancel,
// 4 data, 5 end-of-data, or with key 6 holding an Event for Type 6
// event (see Live events). A frame longer than Config.MaxFrame is a
// protocol violation: the receiver closes the session (ErrFrameTooLarge).
// Senders never produce one: a too-large request fails locally with
// ErrFrameTooLarge, a too-large response is replaced by a RemoteError of
// kind too-large. Malformed CBOR or an unknown type also closes the
// session with a log line. Decoding limits bound the envelope's nesting
// (32 levels), arrays (1 Mi elements) and maps (64 Ki pairs); indefinite
// lengths are refused. A sender checks every frame against these limits
// before it writes it, so a frame it would break fails its own task
// (ErrFrameTooLarge) and never reaches the peer. Text strings are Go
// strings: any bytes, valid UTF-8 or not, decode as they are.
//
// # Values
//
// Results, call arguments and table values (Request.Args, Request.Value,
// Response.Value) are CBOR documents of their own, made by EncodeValue
// and carried in the envelope as byte strings; the envelope's decoder
// never looks inside them, and DecodeValue decodes them per task. A
// value may nest MaxValueDepth (1000) levels of arrays, maps and tags,
// hold 16 Mi elements in one array or map, and strings of any bytes; a
// map may not hold two equal keys. EncodeValue refuses what the
// receiver would refuse, with a RemoteError of kind too-large (limits)
// or unsendable (funcs, channels, cycles, map keys that are
// different in Go but equal in CBOR, such as 1 and int64(1) in a
// map[any]any); a value that does not decode at the receiver fails its
// task only.
//
// # Calls (control stream)
//
// A Call sends a request frame with a fresh ID, unique per session side;
// the peer answers with a response frame carrying the same ID, in any
// order, so many Calls are pipelined on the one stream. A cancel frame
// with an ID asks the peer to cancel that task's context; the peer still
// answers, and the canceller either ignores the response (Call whose ctx
// is done) or waits for it (CallStop: how the task ended, its output and
// whether the engine was reset). Writes are serialized and bounded by
// Config.WriteTimeout; a failed write closes the session. Frames that
// several goroutines write at once (pipelined requests, or the responses
// of a slave's queued tasks) go out back to back in one yamux data frame:
// a reader must take the stream as the byte stream of frames it is, never
// expect one frame per yamux frame. To make such groups, a slave may
// hold a response back while other tasks of the same master are in
// flight, and a master a request for an engine that has others queued
// (Pipeline), each for at most 200 µs (maxHold), until the next frame
// goes out with it. One goroutine at a time reads the control stream:
// on a slave the session's reader; on a master a Call that finds nobody
// reading reads it until its own response comes (no hand-off to wake
// it), else the session's reader, which also takes over after 10 ms with
// nobody reading.
//
// # Task streams
//
// For a KindStream task the master opens a new yamux stream and writes a
// request frame (with an ID from the same space as Calls). Then:
//
//	master -> slave: data*, [end-of-data], [cancel]
//	slave -> master: data*, end-of-data, response
//
// Data frames carry at most 32 KiB of payload. The master's end-of-data
// makes the slave function's reader return io.EOF; the slave sends
// end-of-data when its function returns, then the response, then closes
// its end. A cancel for a stream task is sent both on the control stream
// and on the task stream, whichever arrives first cancels it. Flow
// control is yamux's per-stream window: output the master does not read
// holds the slave function back.
//
// # Native packages (KindCompile)
//
// A request of kind KindCompile carries, in Native, the Go source of one
// package: {1: Name, 2: [{1: file name, 2: bytes}…]}. It is a Call like
// any other, on the control stream, but it addresses the slave node, not
// an engine (Engine is ignored): the node builds the package with its Go
// toolchain, loads it, and registers it with every engine, so that
// snippets import it as native/NAME. Timeout, when set, bounds the build
// (the node has its own bound too). The response carries Native:
// {1: Path, 2: Hash, 3: Cached, 4: Build, 5: Load, 6: Engines}, or Err:
// kind compile for errors in the source (Go's messages; Pos is
// "file.go:line:col"), unsupported for a node that cannot or will not
// build native code (no toolchain, another Go release, no cgo, a
// sandbox, turned off), timeout, too-large. Both ends enforce the
// limits with NativeSource.Check before anything else: at most
// MaxNativeFiles files, MaxNativeSource bytes of source, names of at
// most 255 bytes, no file twice.
// # Live events
//
// A request with Live set (KindEval, KindCall, KindStream; batches
// ignore it) asks the slave to report the task while it runs. The slave
// sends event frames with the task's ID, on the stream that carries the
// task (the control stream, or the task's own stream), each holding
//
//	{1: Offset uint, 2: Output bytes, 3: Progress {1: Done int, 2: Total int}}
//
// Output is what the task printed (stdout and stderr, in order, as it
// will appear in Response.Output) since the previous event, at most
// MaxEventOutput (16 KiB) bytes; Offset is the position of its first
// byte in the task's output. Progress, if present, is the latest
// dpfw.Progress(done, total) report since the previous event (Total 0:
// unknown); Done and Total are never negative. A frame breaking these
// bounds, or an event sent to a slave, is a protocol violation.
//
// All of a task's events precede its response on that stream, in
// order. The slave never lets the connection hold the task back: it
// keeps at most 256 KiB of output waiting for the live view, sends an
// event when the task prints after a quiet spell and then at most one
// every 20 ms unless a full 16 KiB waits, and leaves out of the live
// view what does not fit, until the waiting output has been sent. Left
// out output shows as an Offset past the end of the previous event's
// Output (the master marks the gap); output still waiting when the task
// ends is not sent as an event. Nothing is ever lost from the result:
// Response.Output carries the whole output (within the engine's output
// limit). A pending progress report is sent before the response.
//
// On the master, events are handed on by the connection's reader and
// must never block it: what the application reads too slowly is bounded
// and marked there (package master), never pushed back onto the slave.
//
// # Status
//
// A KindStatus request (no engine) is answered at once, whatever the
// engines are doing, with Response.Status: the node's resident memory,
// goroutines, uptime and per-engine busy flag and task, failure and
// reset counts, for dashboards.
//
// # Detached jobs (KindDetach, KindJobStatus, KindJobWait)
//
// A request of kind KindDetach (20) is a KindEval whose outcome is kept
// on the slave node instead of being the response: the node answers at
// once with Job: {1: ID, 2: Instance, 3: State, 4: Engine, 5: Started,
// 6: Ended, 7: Expires, 9: Progress {1: Done, 2: Total}, 10: ProgressAt}
// (times in Unix nanoseconds; State 1 running, 2 ended; key 8 is not
// used), or with Err: kind busy when the node already keeps
// its most jobs and none of them has ended, not-found for a bad engine.
// The job runs under the node's own context, not the session's: the
// master that sent it may disconnect, and the job goes on; Timeout still
// bounds it (kind timeout), and the node's Close cancels it. The ID is
// random (16 hex digits); the Instance is the node process's
// Identity.Instance.
//
// KindJobStatus (21) and KindJobWait (22) carry Job: {1: Instance, 2: ID}
// (at most MaxJobInstance and MaxJobID bytes: kind too-large past them,
// checked by both ends). They may come from any master, on any
// connection. The answer carries Job and, once the job has ended, its
// outcome in the usual fields (Value, Text, Output, Err, Took, Reset);
// KindJobWait answers only then, or not at all when it is cancelled.
// Job.Progress is the job's latest dpfw.Progress(done, total) report
// (Total 0: unknown) and ProgressAt when the node received it; both are
// absent until the job makes one, and kept after it has ended.
// A ref whose Instance is not this node process's is answered with kind
// lost ("the node restarted": a new process keeps none of the old one's
// jobs); an unknown, expired or evicted ID with kind not-found saying
// which. The node bounds what it keeps (slave.JobsConfig: a count, the
// bytes of ended outcomes, and how long an ended job is kept).
//
// # Sub-tasks (KindSub; re-entrant tasks)
//
// A task a master sent on the control stream (kinds eval, call, batch)
// may ask that master for sub-tasks: the slave writes, on the control
// stream, a request frame with an ID from its own ID space and
// {1: KindSub (16), 3: Src, 6: Timeout, 30: Parent, 31: Depth}, where
// Parent is the ID of the parent task's request and Depth is that
// request's Depth field (field 31; 0 when absent). The master answers
// with a response frame carrying the same ID: the sub-task's Response,
// as if it had sent Src itself. The slave may cancel it with a cancel
// frame of that ID. The master's sub-task contexts end when the parent's
// Call ends (its response arrived, or the master gave up on it), so a
// cancelled parent cancels its sub-tasks, on every slave.
//
// This is the only request a slave may send, and the master accepts it
// only when Parent names a request it sent on this session that is
// still awaiting its response, of a kind that runs a snippet, and Depth
// is the Depth it sent that request with. Anything else (any other
// kind, an unknown or finished parent, a wrong depth, a master that set
// no SubHandler) is answered at once with a RemoteError of kind
// internal whose message begins "refused:", is logged once per session,
// and runs nothing. A KindSub that reaches a slave is refused likewise.
// The sub-task requests a slave sends count against the master's
// Config.MaxStreams like tasks (kind busy beyond it). The master sends
// the sub-task with Depth = parent's Depth + 1 (its scheduler bounds the
// depth); a KindEval request with Spare set (field 32) asks the node to
// run it on a spare engine instead of Engine (the master's deadlock
// rule, package master).
//
// Sub-tasks and in-flight slots (below): a Spare request runs on the CPU
// its waiting parent lends and goes under the parent's slot: the master
// sends it without taking a slot (the parents may hold them all), and
// the node admits Spare requests on a count of their own, bounded by
// max(MaxStreams, 256) (a chain of waiting parents lends one engine per
// level; the node's spare engines bound them too, kind busy beyond). A sub-task the master sends to an idle engine takes
// a slot only if one is free at once (IfRoom); otherwise the master runs
// it on a spare engine. So no sub-task waits for a slot that only a
// waiting parent could free.
//
// # Limits and liveness
//
// At most Config.MaxStreams tasks from a peer are in flight (queued or
// running) at once; more are answered at once with a RemoteError of kind
// busy. Each side announces its figure in its hello (Identity field 8,
// MaxInFlight; absent means 256), and a master never exceeds its slave's:
// every Call and task stream takes one of MaxInFlight slots before its
// request is sent, and frees it when the Response arrives (the slave
// stops counting a task just before it writes its Response), so a Call
// waits for a slot rather than be refused. A Call given up by its caller
// keeps its slot until the slave's Response to it arrives, since the
// slave counts it until then. A busy answer can then come only from a
// peer that admits fewer than it announced. yamux keepalives every Config.KeepAlive, each bounded by
// Config.WriteTimeout, detect a dead peer; when the connection dies every
// pending Call and task stream fails at once with an error wrapping
// ErrConnectionLost (ErrClosed after this side's own Close), and every
// running task's context is cancelled.
package session
