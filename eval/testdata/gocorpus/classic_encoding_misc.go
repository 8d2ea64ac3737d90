// encoding/base64, encoding/hex, encoding/csv, crypto/sha256, hash/fnv, hash/crc32.
package main

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"os"
	"strings"
)

func main() {
	data := []byte("hello, world")
	b64 := base64.StdEncoding.EncodeToString(data)
	fmt.Println(b64, base64.URLEncoding.EncodeToString([]byte{0xfb, 0xff}), base64.RawStdEncoding.EncodeToString([]byte("a")))
	dec, err := base64.StdEncoding.DecodeString(b64)
	fmt.Println(string(dec), err)
	fmt.Println(hex.EncodeToString(data[:5]))
	fmt.Print(hex.Dump([]byte("0123456789abcdefXYZ")))

	sum := sha256.Sum256(data)
	fmt.Println(hex.EncodeToString(sum[:]))
	fmt.Printf("%x\n", md5.Sum(data))
	h := fnv.New32a()
	h.Write(data)
	fmt.Println(h.Sum32(), crc32.ChecksumIEEE(data))

	in := "name,age,city\nann,30,\"New York, NY\"\nbob,25,Paris\n"
	r := csv.NewReader(strings.NewReader(in))
	recs, err := r.ReadAll()
	fmt.Println(len(recs), err)
	for _, rec := range recs[1:] {
		fmt.Printf("%s is %s from %q\n", rec[0], rec[1], rec[2])
	}
	w := csv.NewWriter(os.Stdout)
	w.Write([]string{"a,b", "c\"d", "e"})
	w.Flush()
}
