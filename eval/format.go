package eval

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// format shows v for people, the way fmt's %v lays values out, but with
// the type visible where %v hides it: strings are quoted at any depth
// ("1" is not 1) and floats always have a decimal point or an exponent
// (3.0 is not 3). Values with a String or Error method show that, as
// with %v.
func format(v any) string {
	if v == nil {
		return "nil"
	}
	var b strings.Builder
	formatValue(&b, reflect.ValueOf(v), 0)
	return b.String()
}

// maxFormatDepth bounds nesting in Text, which is for people; only a
// value kept as it is (KeepValues) can be cyclic.
const maxFormatDepth = 100

var stringerType = reflect.TypeFor[fmt.Stringer]()

func formatValue(b *strings.Builder, v reflect.Value, depth int) {
	if !v.IsValid() {
		b.WriteString("<nil>")
		return
	}
	if depth > maxFormatDepth {
		b.WriteString("…")
		return
	}
	t := v.Type()
	if v.CanInterface() && (t.Implements(stringerType) || t.Implements(errorType)) &&
		!(v.Kind() == reflect.Pointer && v.IsNil()) {
		fmt.Fprint(b, v.Interface())
		return
	}
	switch v.Kind() {
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Float32, reflect.Float64:
		b.WriteString(formatFloat(v.Float(), t.Bits()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		bits := t.Bits() / 2
		im := formatFloat(imag(c), bits)
		if !strings.HasPrefix(im, "-") && !strings.HasPrefix(im, "+") {
			im = "+" + im
		}
		b.WriteString("(" + formatFloat(real(c), bits) + im + "i)")
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("<nil>")
			return
		}
		formatValue(b, v.Elem(), depth)
	case reflect.Pointer:
		switch {
		case v.IsNil():
			b.WriteString("<nil>")
		case depth == 0 && isComposite(t.Elem().Kind()):
			b.WriteByte('&')
			formatValue(b, v.Elem(), depth+1)
		default:
			fmt.Fprintf(b, "%#x", v.Pointer())
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // bytes: as %v shows them
			b.WriteString(fmt.Sprint(bytesOf(v)))
			return
		}
		formatSeq(b, "[", "]", v.Len(), v.Index, depth)
	case reflect.Map:
		b.WriteString("map[")
		keys := v.MapKeys()
		slices.SortFunc(keys, compareKeys)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			formatValue(b, k, depth+1)
			b.WriteByte(':')
			formatValue(b, v.MapIndex(k), depth+1)
		}
		b.WriteByte(']')
	case reflect.Struct:
		formatSeq(b, "{", "}", v.NumField(), v.Field, depth)
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	default: // funcs, channels, unsafe pointers: their address, as %v
		fmt.Fprintf(b, "%#x", v.Pointer())
	}
}

// formatSeq writes n values, separated by spaces, between open and close.
func formatSeq(b *strings.Builder, open, close string, n int, at func(int) reflect.Value, depth int) {
	b.WriteString(open)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		formatValue(b, at(i), depth+1)
	}
	b.WriteString(close)
}

func isComposite(k reflect.Kind) bool {
	return k == reflect.Struct || k == reflect.Slice || k == reflect.Array || k == reflect.Map
}

// bytesOf returns the bytes of a []byte or [N]byte, even one read
// through an unexported field.
func bytesOf(v reflect.Value) []byte {
	out := make([]byte, v.Len())
	for i := range out {
		out[i] = byte(v.Index(i).Uint())
	}
	return out
}

// formatFloat is %v's float with a decimal point added where %v shows
// none: 3 -> 3.0, 1e+21 and NaN stay.
func formatFloat(f float64, bits int) string {
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(s, ".e") {
		return s
	}
	return s + ".0"
}

// compareKeys orders map keys as fmt does for the common kinds: numbers
// by value, strings and bools in order; others by their text.
func compareKeys(a, b reflect.Value) int {
	if a.Kind() == reflect.Interface {
		a = a.Elem()
	}
	if b.Kind() == reflect.Interface {
		b = b.Elem()
	}
	if a.IsValid() && b.IsValid() && a.Kind() == b.Kind() {
		switch a.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return cmp.Compare(a.Int(), b.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return cmp.Compare(a.Uint(), b.Uint())
		case reflect.Float32, reflect.Float64:
			return cmp.Compare(a.Float(), b.Float())
		case reflect.String:
			return cmp.Compare(a.String(), b.String())
		case reflect.Bool:
			return cmp.Compare(boolInt(a.Bool()), boolInt(b.Bool()))
		}
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
