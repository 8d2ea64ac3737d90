package slave

import (
	"context"
	"time"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave/native"
)

// newBuilder returns the node's builder of native packages, or why it
// has none.
func newBuilder(cfg Config) (*native.Builder, *eval.Error) {
	switch {
	case cfg.NoNative:
		return nil, &eval.Error{Kind: eval.KindUnsupported, Msg: "native packages are turned off on this node (slave -native=false)"}
	case cfg.Eval.Sandbox != "":
		return nil, &eval.Error{Kind: eval.KindUnsupported, Msg: "this node confines snippets to a sandbox (slave -sandbox), " +
			"which native code would escape: it refuses native packages"}
	}
	if cfg.Native.Logger == nil {
		cfg.Native.Logger = cfg.Logger
	}
	b, err := native.New(cfg.Native)
	if err != nil {
		return nil, &eval.Error{Kind: eval.KindUnsupported, Msg: err.Error()}
	}
	return b, nil
}

// compile builds and loads the package a master sent and registers it
// with every engine, or with none: nothing is registered unless the
// package built and loaded.
func (n *Node) compile(ctx context.Context, src *session.NativeSource) *session.Response {
	start := time.Now()
	resp := &session.Response{}
	defer func() { resp.Took = time.Since(start) }()
	switch {
	case src == nil:
		resp.Err = &session.RemoteError{Kind: eval.KindInternal, Msg: "compile request without source"}
		return resp
	case n.noNative != nil:
		resp.Err = remoteError(n.noNative)
		return resp
	}
	if rerr := src.Check(); rerr != nil {
		resp.Err = rerr
		return resp
	}
	files := make(map[string][]byte, len(src.Files))
	for _, f := range src.Files {
		files[f.Name] = f.Data
	}
	res, err := n.builder.Build(ctx, native.Source{Name: src.Name, Files: files})
	if err != nil {
		resp.Err = remoteError(err)
		return resp
	}
	for _, e := range n.engines {
		if err := e.Register(res.Package); err != nil {
			resp.Err = remoteError(err) // only a closing node gets here
			return resp
		}
	}
	n.addNative(res.Package)
	resp.Native = &session.NativeInfo{Path: res.Package.Path, Hash: res.Hash, Cached: res.Cached,
		Build: res.Build, Load: res.Load, Engines: len(n.engines)}
	return resp
}
