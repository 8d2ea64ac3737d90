// strconv: parsing and formatting numbers, bools, quoting, errors.
package main

import (
	"fmt"
	"strconv"
)

func main() {
	n, err := strconv.Atoi("123")
	fmt.Println(n+1, err)
	_, err = strconv.Atoi("12a")
	fmt.Println(err)
	i64, _ := strconv.ParseInt("-ff", 16, 64)
	fmt.Println(i64)
	u, err := strconv.ParseUint("300", 10, 8)
	fmt.Println(u, err)
	f, _ := strconv.ParseFloat("2.5e3", 64)
	fmt.Println(f)
	b, _ := strconv.ParseBool("true")
	fmt.Println(b)

	fmt.Println(strconv.Itoa(-45), strconv.FormatInt(255, 2), strconv.FormatInt(255, 36))
	fmt.Println(strconv.FormatFloat(3.14159, 'f', 2, 64), strconv.FormatFloat(1e6, 'e', -1, 64))
	fmt.Println(strconv.FormatFloat(0.1+0.2, 'g', -1, 64))
	fmt.Println(strconv.Quote("hi\t\"there\""), strconv.QuoteRune('☺'), strconv.QuoteToASCII("café"))
	s, err := strconv.Unquote(`"a\nb"`)
	fmt.Printf("%q %v\n", s, err)
	buf := []byte("n=")
	buf = strconv.AppendInt(buf, 42, 10)
	buf = strconv.AppendBool(append(buf, ' '), false)
	fmt.Println(string(buf))
	var ne *strconv.NumError
	_, err = strconv.ParseInt("99999999999999999999", 10, 64)
	if e, ok := err.(*strconv.NumError); ok {
		ne = e
	}
	fmt.Println(ne.Func, ne.Num, ne.Err)
}
