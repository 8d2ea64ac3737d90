// fmt verbs on basic values: widths, precision, flags, quoting, pointers to zero.
package main

import "fmt"

func main() {
	fmt.Printf("|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|\n", 42, 42, 42, 42, 255, 255, 8, 5)
	fmt.Printf("|%f|%.2f|%8.3f|%-8.1f|%e|%g|%g|\n", 3.14159, 3.14159, 3.14159, 3.14159, 1234.5678, 0.000012, 1e21)
	fmt.Printf("|%s|%10s|%-10s|%q|%.3s|\n", "go", "go", "go", "go\n", "golang")
	fmt.Printf("|%c|%U|%q|%d|\n", 'G', 'G', 'G', 'G')
	fmt.Printf("|%t|%v|%v|\n", true, nil, []string{"a", "b"})
	fmt.Printf("|%x|% x|%X|\n", "hey", []byte{1, 171}, "hey")
	fmt.Printf("|%6.2f%%|\n", 12.345)
	fmt.Printf("|%*d|%-*d|\n", 4, 7, 4, 7)
	fmt.Printf("%[2]d %[1]d\n", 1, 2)
	fmt.Printf("%d %s\n", "str", 5)
	fmt.Printf("%d\n")
	fmt.Printf("%d\n", 1, 2)
	fmt.Println(fmt.Sprint("a", 1, 2, "b", "c", 3.5), fmt.Sprintln("x", 1))
	fmt.Printf("%v %v %.1f\n", int8(-5), uint64(1<<63), float32(2.25))
	fmt.Printf("%v %v\n", complex(1, -2), 'x')
	var ip *int
	fmt.Printf("%v %t\n", ip, ip == nil)
}
