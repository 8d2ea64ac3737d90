package stdsym

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// The tables are for the Go release that builds them: a newer one has
// symbols they lack.
func TestGeneratedForThisRelease(t *testing.T) {
	if v := runtime.Version(); v != Release && !strings.HasPrefix(v, Release+".") {
		t.Errorf("tables generated for %s, built with %s: run go generate ./eval/stdsym", Release, v)
	}
}

// Every interface type has the wrapper yaegi needs to pass interpreted
// values to native code as that interface, and the wrapper implements it.
func TestInterfaceWrappers(t *testing.T) {
	n := 0
	for key, syms := range Symbols {
		for name, v := range syms {
			if strings.HasPrefix(name, "_") || v.Kind() != reflect.Pointer || v.Type().Elem().Kind() != reflect.Interface || !v.IsNil() {
				continue
			}
			iface := v.Type().Elem()
			w, ok := syms["_"+name]
			if !ok {
				t.Errorf("%s.%s: no wrapper _%s", key, name, name)
				continue
			}
			if exportedOnly(iface) && !w.Type().Elem().Implements(iface) {
				t.Errorf("%s.%s: wrapper %s does not implement it", key, name, w.Type().Elem())
			}
			n++
		}
	}
	if n == 0 {
		t.Error("no interface types found: the tables look empty")
	}
}

// exportedOnly reports whether code outside the package can implement t.
func exportedOnly(t reflect.Type) bool {
	for i := range t.NumMethod() {
		if !t.Method(i).IsExported() {
			return false
		}
	}
	return true
}
