// Newer strings/bytes/fmt/utf8 helpers: CutPrefix/CutSuffix, ContainsFunc, fmt.Append*, utf8.AppendRune.
package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

func main() {
	if rest, ok := strings.CutPrefix("Bearer abc.def", "Bearer "); ok {
		fmt.Println("token:", rest)
	}
	name, ok := strings.CutSuffix("report.pdf", ".pdf")
	fmt.Println(name, ok)
	_, ok = strings.CutSuffix("report.pdf", ".doc")
	fmt.Println(ok)
	fmt.Println(strings.ContainsFunc("hello1", unicode.IsDigit), strings.ContainsFunc("hello", unicode.IsDigit))
	buf := fmt.Appendf(nil, "%d-%s", 7, "x")
	buf = fmt.Append(buf, " ", 3.5)
	buf = fmt.Appendln(buf, " end")
	fmt.Printf("%q\n", buf)
	r := utf8.AppendRune([]byte("a"), 'é')
	fmt.Println(string(r), len(r))
	fmt.Println(strings.ToValidUTF8("a\xffb", "?"), strings.Clone("c"))
	fmt.Println(strings.IndexFunc("abc1", unicode.IsDigit), strings.LastIndexByte("a/b/c", '/'))
	rep := strings.NewReplacer("<", "&lt;", ">", "&gt;")
	fmt.Println(rep.Replace("<b>hi</b>"))
}
