// os.Exit with a non-zero status after printing; deferred calls do not run.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	defer fmt.Println("deferred: never printed")
	fmt.Println("checking input")
	fields := strings.Fields("name=app port=")
	for _, f := range fields {
		if strings.HasSuffix(f, "=") {
			fmt.Printf("missing value for %s\n", strings.TrimSuffix(f, "="))
			os.Exit(3)
		}
	}
	fmt.Println("unreachable")
}
