// Package structs (Go 1.23): a HostLayout marker on a wire header encoded with encoding/binary.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"structs"
)

type Header struct {
	_       structs.HostLayout
	Magic   uint32
	Version uint16
	Flags   uint16
}

func (h Header) Valid() bool { return h.Magic == 0xCAFEF00D && h.Version > 0 }

func main() {
	h := Header{Magic: 0xCAFEF00D, Version: 3, Flags: 0x8001}
	var buf bytes.Buffer
	if err := binary.Write(&buf, binary.LittleEndian, h); err != nil {
		fmt.Println("write:", err)
		return
	}
	fmt.Printf("% x\n", buf.Bytes())
	var back Header
	if err := binary.Read(&buf, binary.LittleEndian, &back); err != nil {
		fmt.Println("read:", err)
		return
	}
	fmt.Println(back.Valid(), back.Version, back.Flags&0x8000 != 0, back == h)
}
