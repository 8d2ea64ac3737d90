// math and math/bits: integer overflow, division/modulo signs, floats, bit tricks.
package main

import (
	"fmt"
	"math"
	"math/bits"
)

func main() {
	var u8 uint8 = 250
	u8 += 10
	var i8 int8 = 127
	i8++
	fmt.Println(u8, i8)
	fmt.Println(-7/2, -7%2, 7/-2, 7%-2)
	fmt.Println(math.MaxInt64, math.MinInt64, math.MaxUint32)
	fmt.Println(math.Sqrt(2), math.Floor(-2.5), math.Ceil(2.1), math.Round(2.5), math.Trunc(-2.7))
	fmt.Println(math.Inf(1), -math.Inf(1), math.NaN() == math.NaN(), math.IsNaN(math.NaN()))
	fmt.Println(math.Pow(2, 10), math.Abs(-3.5), math.Mod(7, 3), math.Hypot(3, 4))
	fmt.Printf("%.4f %.4f\n", math.Log(math.E), math.Sin(math.Pi/2))
	fmt.Println(0.1+0.2 == 0.3, float32(0.1), float64(float32(0.1)))
	fmt.Println(bits.OnesCount(255), bits.LeadingZeros64(1), bits.TrailingZeros(8), bits.Len(1023))
	fmt.Println(bits.Reverse8(1), bits.RotateLeft32(1, -1))
	hi, lo := bits.Mul64(math.MaxUint64, 2)
	fmt.Println(hi, lo)
	x := 0b1011_0110
	fmt.Println(x&-x, x&(x-1), x^0xff, x>>2, x<<3, 0o17, 0x1p4)
	big := int64(math.MaxInt32) + 1
	fmt.Println(big, int32(big))
	f := 3.99
	fmt.Println(int(f), int(-f), uint8(int(300)&0xff))
}
