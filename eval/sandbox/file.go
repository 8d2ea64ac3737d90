package sandbox

import (
	"io"
	"io/fs"
	"os"
	"time"
)

// File is what os.File is to a sandboxed snippet: an open file inside
// the sandbox directory, with the methods of *os.File that act on that
// file alone. Chdir (which moves the whole process), Fd and SyscallConn
// (raw descriptors) are left out. Name returns the name the snippet
// opened, as os.File does.
type File struct {
	f    *os.File
	name string
}

func wrap(f *os.File, name string, err error) (*File, error) {
	if err != nil {
		return nil, err
	}
	return &File{f: f, name: name}, nil
}

// file is the open file; nil for a nil *File, whose methods then fail
// with os.ErrInvalid as *os.File's do.
func (f *File) file() *os.File {
	if f == nil {
		return nil
	}
	return f.f
}

func (f *File) Name() string                                 { return f.name }
func (f *File) Read(b []byte) (int, error)                   { return f.file().Read(b) }
func (f *File) ReadAt(b []byte, off int64) (int, error)      { return f.file().ReadAt(b, off) }
func (f *File) Write(b []byte) (int, error)                  { return f.file().Write(b) }
func (f *File) WriteAt(b []byte, off int64) (int, error)     { return f.file().WriteAt(b, off) }
func (f *File) WriteString(s string) (int, error)            { return f.file().WriteString(s) }
func (f *File) Seek(offset int64, whence int) (int64, error) { return f.file().Seek(offset, whence) }
func (f *File) ReadFrom(r io.Reader) (int64, error)          { return io.Copy(onlyWriter{f.file()}, r) }
func (f *File) WriteTo(w io.Writer) (int64, error)           { return io.Copy(w, onlyReader{f.file()}) }
func (f *File) Stat() (fs.FileInfo, error)                   { return f.file().Stat() }
func (f *File) Sync() error                                  { return f.file().Sync() }
func (f *File) Truncate(size int64) error                    { return f.file().Truncate(size) }
func (f *File) Chmod(mode fs.FileMode) error                 { return f.file().Chmod(mode) }
func (f *File) Chown(uid, gid int) error                     { return f.file().Chown(uid, gid) }
func (f *File) ReadDir(n int) ([]fs.DirEntry, error)         { return f.file().ReadDir(n) }
func (f *File) Readdir(n int) ([]fs.FileInfo, error)         { return f.file().Readdir(n) }
func (f *File) Readdirnames(n int) ([]string, error)         { return f.file().Readdirnames(n) }
func (f *File) SetDeadline(t time.Time) error                { return f.file().SetDeadline(t) }
func (f *File) SetReadDeadline(t time.Time) error            { return f.file().SetReadDeadline(t) }
func (f *File) SetWriteDeadline(t time.Time) error           { return f.file().SetWriteDeadline(t) }
func (f *File) Close() error                                 { return f.file().Close() }

// onlyWriter and onlyReader hide *os.File's own ReadFrom and WriteTo,
// which would call back into ours.
type onlyWriter struct{ io.Writer }
type onlyReader struct{ io.Reader }
