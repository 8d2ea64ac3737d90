// Packages structs (Go 1.23) and weak (Go 1.24): HostLayout markers and weak pointers to live objects.
package main

import (
	"fmt"
	"runtime"
	"structs"
	"unsafe"
	"weak"
)

type Header struct {
	_     structs.HostLayout
	Magic uint32
	Size  uint16
}

type Blob struct {
	Data []byte
}

func main() {
	h := Header{Magic: 0xCAFE, Size: 2}
	fmt.Println(h.Magic, h.Size, unsafe.Sizeof(h))

	b := &Blob{Data: []byte("payload")}
	wp := weak.Make(b)
	if v := wp.Value(); v != nil {
		fmt.Println("alive:", string(v.Data))
	}
	fmt.Println(wp == weak.Make(b))
	runtime.KeepAlive(b)
	var nilPtr weak.Pointer[Blob]
	fmt.Println(nilPtr.Value() == nil)
}
