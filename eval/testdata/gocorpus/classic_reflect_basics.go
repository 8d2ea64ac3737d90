// reflect on user types: kinds, struct fields and tags, setting fields through pointers.
package main

import (
	"fmt"
	"reflect"
	"strings"
)

type Server struct {
	Host    string `env:"HOST" default:"localhost"`
	Port    int    `env:"PORT" default:"8080"`
	Verbose bool   `env:"VERBOSE"`
	secret  string
}

func fill(dst any, env map[string]string) {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		val, ok := env[f.Tag.Get("env")]
		if !ok {
			val = f.Tag.Get("default")
		}
		if val == "" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.String:
			v.Field(i).SetString(val)
		case reflect.Int:
			n := 0
			fmt.Sscan(val, &n)
			v.Field(i).SetInt(int64(n))
		case reflect.Bool:
			v.Field(i).SetBool(strings.EqualFold(val, "true"))
		}
	}
}

func main() {
	var s Server
	fill(&s, map[string]string{"PORT": "9090", "VERBOSE": "TRUE"})
	fmt.Println(s.Host, s.Port, s.Verbose)
	t := reflect.TypeOf(s)
	fmt.Println(t.NumField(), t.Field(0).Name, t.Field(1).Tag.Get("default"), t.Kind())
	for _, v := range []any{1, "s", 2.5, []int{}, map[string]int{}, &s, s, fill} {
		fmt.Print(reflect.TypeOf(v).Kind(), " ")
	}
	fmt.Println()
	fmt.Println(reflect.DeepEqual(map[string][]int{"a": {1}}, map[string][]int{"a": {1}}))
}
