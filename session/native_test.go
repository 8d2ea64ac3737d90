package session

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dpfw/dpfw/eval/failure"
)

func TestNativeSourceCheck(t *testing.T) {
	file := func(name string, n int) NativeFile { return NativeFile{Name: name, Data: make([]byte, n)} }
	var many []NativeFile
	for i := range MaxNativeFiles + 1 {
		many = append(many, file(fmt.Sprintf("f%d.go", i), 1))
	}
	for _, tt := range []struct {
		src  NativeSource
		kind failure.Kind
	}{
		{NativeSource{Name: "fib", Files: []NativeFile{file("a.go", 10), file("b.go", 10)}}, ""},
		{NativeSource{Name: "fib", Files: many[:MaxNativeFiles]}, ""},
		{NativeSource{Name: "fib", Files: many}, failure.KindTooLarge},
		{NativeSource{Name: "fib", Files: []NativeFile{file("a.go", MaxNativeSource/2), file("b.go", MaxNativeSource/2+1)}}, failure.KindTooLarge},
		{NativeSource{Name: "fib", Files: []NativeFile{file("a.go", 1), file("a.go", 1)}}, failure.KindCompile},
		{NativeSource{Name: "fib", Files: []NativeFile{file(strings.Repeat("a", 256)+".go", 1)}}, failure.KindCompile},
		{NativeSource{Name: strings.Repeat("p", 256)}, failure.KindCompile},
	} {
		err := tt.src.Check()
		var re *RemoteError
		switch {
		case tt.kind == "" && err != nil:
			t.Errorf("%s with %d files: %v", tt.src.Name, len(tt.src.Files), err)
		case tt.kind != "" && (!errors.As(err, &re) || re.Kind != tt.kind):
			t.Errorf("%.20s with %d files: got %v, want kind %s", tt.src.Name, len(tt.src.Files), err, tt.kind)
		}
	}
}
