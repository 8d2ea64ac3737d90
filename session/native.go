package session

import (
	"fmt"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// Limits of a KindCompile request's source, checked by both ends
// (NativeSource.Check) before anything is built.
const (
	MaxNativeFiles  = 256      // files in one package
	MaxNativeSource = 16 << 20 // bytes of source in all
	maxNativeName   = 255      // bytes in a file or package name
)

// NativeSource is the Go source of one package that a KindCompile request
// asks a slave node to build and load.
type NativeSource struct {
	// Name is the package name: its package clause, and the NAME of the
	// import path native/NAME under which snippets import it.
	Name string `cbor:"1,keyasint"`
	// Files are the package's files, in any order.
	Files []NativeFile `cbor:"2,keyasint,omitempty"`
}

// NativeFile is one file of a NativeSource.
type NativeFile struct {
	Name string `cbor:"1,keyasint"` // a base name ending in .go
	Data []byte `cbor:"2,keyasint,omitempty"`
}

// Check enforces the limits of a compile request: how many files, how
// many bytes, names no longer than 255 bytes, no file twice. What the
// names and the source must be is the slave's to judge. The error is a
// RemoteError of kind too-large or compile, ready for a Response.
func (s *NativeSource) Check() *RemoteError {
	if len(s.Name) > maxNativeName {
		return &RemoteError{Kind: failure.KindCompile, Msg: fmt.Sprintf("package name of %d bytes", len(s.Name))}
	}
	if len(s.Files) > MaxNativeFiles {
		return &RemoteError{Kind: failure.KindTooLarge, Msg: fmt.Sprintf("package %s has %d files; the limit is %d", s.Name, len(s.Files), MaxNativeFiles)}
	}
	total := 0
	seen := make(map[string]bool, len(s.Files))
	for _, f := range s.Files {
		total += len(f.Data)
		switch {
		case len(f.Name) > maxNativeName:
			return &RemoteError{Kind: failure.KindCompile, Msg: fmt.Sprintf("file name of %d bytes", len(f.Name))}
		case seen[f.Name]:
			return &RemoteError{Kind: failure.KindCompile, Msg: fmt.Sprintf("file %q is sent twice", f.Name)}
		}
		seen[f.Name] = true
	}
	if total > MaxNativeSource {
		return &RemoteError{Kind: failure.KindTooLarge, Msg: fmt.Sprintf("package %s has %d bytes of source; the limit is %d", s.Name, total, MaxNativeSource)}
	}
	return nil
}

// NativeInfo answers a KindCompile request that succeeded.
type NativeInfo struct {
	// Path is the import path snippets use: native/NAME.
	Path string `cbor:"1,keyasint"`
	// Hash names the build: the same source built by the same slave
	// binary has the same hash on every node.
	Hash string `cbor:"2,keyasint,omitempty"`
	// Cached reports that no build ran: the node had it in its cache, or
	// loaded already.
	Cached bool `cbor:"3,keyasint,omitempty"`
	// Build is how long the build took (0 when Cached); Load how long
	// loading it into the process took.
	Build time.Duration `cbor:"4,keyasint,omitempty"`
	Load  time.Duration `cbor:"5,keyasint,omitempty"`
	// Engines is how many engines registered the package.
	Engines int `cbor:"6,keyasint,omitempty"`
}
