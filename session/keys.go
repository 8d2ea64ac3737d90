package session

import (
	"encoding"
	"fmt"
	"reflect"
	"sync"

	"github.com/fxamacker/cbor/v2"

	"github.com/dpfw/dpfw/eval/failure"
)

// Some distinct Go map keys encode the same: 1, int64(1) and uint8(1) in
// a map[any]any all become the CBOR integer 1, two pointers become their
// (equal) pointees, two time.Time values of one instant in different
// *time.Location values the same text. The receiver would get one entry
// for several, a silently wrong map, so EncodeValue refuses such a map.
// Keys that cannot collide (strings, integers, floats, bools of one key
// type) are not looked at: a map[string]T or map[int]T costs nothing
// here. A NaN key is not equal to itself, in Go and in the decoder, so
// NaN keys arrive as distinct as they were.
//
// The same walk bounds the nesting of the value before the CBOR encoder
// sees it, so a cyclic value is refused instead of recursing forever.

// maxIndirections bounds a chain of pointers, interfaces, CBOR tags and
// embedded structs with no level of nesting in between; only a cycle
// makes a longer one.
const maxIndirections = 64

var tagType = reflect.TypeFor[cbor.Tag]()

// checkKeys walks v, which is depth levels deep (arrays and maps in
// CBOR) after hops indirections, and reports the first map whose keys
// collide on the wire, or nesting past MaxValueDepth. It counts levels
// as CBOR does: an embedded struct's fields are its parent's, a tag is
// no level; EncodeValue's final check is exact where this one is not.
func checkKeys(v reflect.Value, depth, hops int) *RemoteError {
	for ; v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface); hops++ {
		if v.IsNil() || (v.Kind() == reflect.Pointer && !mayHold(v.Type())) {
			return nil
		}
		if hops > maxIndirections {
			return &RemoteError{Kind: failure.KindUnsendable, Msg: fmt.Sprintf("value of type %s is a cycle of pointers", v.Type())}
		}
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() <= reflect.Complex128 || v.Kind() == reflect.String || !mayHold(v.Type()) {
		return nil // scalars: the common case, decided without a lookup
	}
	if v.Type() == tagType {
		// A tag is no level, but each further tag of a chain is one.
		if c := v.Field(1); c.Kind() == reflect.Interface && !c.IsNil() && c.Elem().Type() == tagType {
			if depth+1 > MaxValueDepth {
				return tooDeepError()
			}
			return checkKeys(c, depth+1, 0)
		}
		return checkKeys(v.Field(1), depth, hops+1)
	}
	if depth++; depth > MaxValueDepth {
		return tooDeepError()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkKeys(v.Index(i), depth, 0); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			var err *RemoteError
			switch {
			case !f.IsExported():
			case f.Anonymous && structType(f.Type) && f.Tag.Get("cbor") == "" && f.Tag.Get("json") == "":
				err = checkKeys(v.Field(i), depth-1, hops+1) // promoted fields
			default:
				err = checkKeys(v.Field(i), depth, 0)
			}
			if err != nil {
				return err
			}
		}
	case reflect.Map:
		if err := distinctKeys(v); err != nil {
			return err
		}
		keys, elems := mayHold(v.Type().Key()), mayHold(v.Type().Elem())
		for it := v.MapRange(); it.Next(); {
			if keys {
				if err := checkKeys(it.Key(), depth, 0); err != nil {
					return err
				}
			}
			if elems {
				if err := checkKeys(it.Value(), depth, 0); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func tooDeepError() *RemoteError {
	return &RemoteError{Kind: failure.KindTooLarge, Msg: fmt.Sprintf("value nests more than %d levels of slices, maps and structs (the wire's limit)", MaxValueDepth)}
}

// structType reports whether t is a struct or a pointer to one.
func structType(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}

// distinctKeys reports two keys of map m that encode the same.
func distinctKeys(m reflect.Value) *RemoteError {
	if !mayCollide(m.Type().Key()) {
		return nil
	}
	seen := make(map[string]reflect.Value, m.Len())
	for it := m.MapRange(); it.Next(); {
		k := it.Key()
		if !k.CanInterface() {
			return nil
		}
		if ki := k.Interface(); ki != ki { // a NaN: distinct from everything
			continue
		}
		b, err := valueEnc.Marshal(k.Interface())
		if err != nil {
			return nil // the encoder reports it with its own words
		}
		if prev, dup := seen[string(b)]; dup {
			return &RemoteError{Kind: failure.KindUnsendable, Msg: fmt.Sprintf(
				"%s has keys %s and %s, which are different in Go but the same on the wire; one would be lost",
				m.Type(), describeKey(prev), describeKey(k))}
		}
		seen[string(b)] = k
	}
	return nil
}

func describeKey(k reflect.Value) string {
	for k.Kind() == reflect.Interface && !k.IsNil() {
		k = k.Elem()
	}
	if k.Kind() == reflect.Pointer && !k.IsNil() {
		return fmt.Sprintf("%v (%s at %#x)", k.Elem(), k.Type(), k.Pointer())
	}
	return fmt.Sprintf("%#v (%s)", k, k.Type())
}

// mayCollide reports whether two different keys of type t can encode
// the same.
func mayCollide(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Struct, reflect.Array:
		return true
	}
	return marshals(t)
}

var (
	cborMarshaler   = reflect.TypeFor[cbor.Marshaler]()
	binaryMarshaler = reflect.TypeFor[encoding.BinaryMarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
)

// marshals reports whether values of t encode themselves.
func marshals(t reflect.Type) bool {
	return t.Implements(cborMarshaler) || t.Implements(binaryMarshaler) || t.Implements(textMarshaler)
}

// holds caches mayHold by type.
var holds sync.Map // reflect.Type -> bool

// mayHold reports whether a value of type t can contain a map whose keys
// may collide, or nesting that only a walk can bound: an interface, or a
// type that refers to itself (type T []T, a linked list).
func mayHold(t reflect.Type) bool {
	if v, ok := holds.Load(t); ok {
		return v.(bool)
	}
	b := typeMayHold(t, map[reflect.Type]bool{})
	holds.Store(t, b)
	return b
}

// typeMayHold computes mayHold; visiting holds the types being looked
// at, and meeting one again means t is recursive.
func typeMayHold(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if visiting[t] {
		return true
	}
	if marshals(t) {
		return false
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return typeMayHold(t.Elem(), visiting)
	case reflect.Map:
		return mayCollide(t.Key()) || typeMayHold(t.Key(), visiting) || typeMayHold(t.Elem(), visiting)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && typeMayHold(f.Type, visiting) {
				return true
			}
		}
	}
	return false
}
