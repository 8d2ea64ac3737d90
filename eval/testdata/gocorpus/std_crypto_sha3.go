// crypto/sha3 (Go 1.24), crypto/sha512, crypto/hmac: digests of fixed inputs.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
)

func main() {
	msg := []byte("the quick brown fox")
	s3 := sha3.Sum256(msg)
	fmt.Println(hex.EncodeToString(s3[:]))
	h := sha3.New512()
	h.Write(msg)
	fmt.Println(hex.EncodeToString(h.Sum(nil))[:32])
	s5 := sha512.Sum512_256(msg)
	fmt.Println(hex.EncodeToString(s5[:]))
	mac := hmac.New(sha256.New, []byte("key"))
	mac.Write(msg)
	sum := mac.Sum(nil)
	fmt.Println(hex.EncodeToString(sum))
	fmt.Println(hmac.Equal(sum, sum), hmac.Equal(sum, sum[:4]))
	shake := sha3.SumSHAKE128(msg, 16)
	fmt.Println(hex.EncodeToString(shake))
}
