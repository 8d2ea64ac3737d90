// encoding/binary: byte orders, Append/Encode/Decode (Go 1.23), varints.
package main

import (
	"encoding/binary"
	"fmt"
)

type Header struct {
	Magic   uint16
	Version uint8
	Flags   uint8
	Length  uint32
}

func main() {
	b := binary.BigEndian.AppendUint32(nil, 0xDEADBEEF)
	b = binary.LittleEndian.AppendUint16(b, 0x0102)
	fmt.Printf("% x\n", b)
	fmt.Println(binary.BigEndian.Uint32(b), binary.LittleEndian.Uint16(b[4:]))

	h := Header{Magic: 0xCAFE, Version: 2, Flags: 1, Length: 1024}
	out, err := binary.Append(nil, binary.BigEndian, h)
	fmt.Printf("% x %v\n", out, err)
	var back Header
	n, err := binary.Decode(out, binary.BigEndian, &back)
	fmt.Println(n, err, back == h)
	buf := make([]byte, 8)
	n, err = binary.Encode(buf, binary.LittleEndian, uint64(1))
	fmt.Println(n, err, buf)

	vb := binary.AppendUvarint(nil, 300)
	vb = binary.AppendVarint(vb, -5)
	u, k := binary.Uvarint(vb)
	s, _ := binary.Varint(vb[k:])
	fmt.Println(vb, u, s, binary.Size(h))
}
