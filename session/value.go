package session

import (
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// Values (task results, call arguments, table entries) travel as CBOR.
// Both ends must agree on the options, so they live here, next to the rest
// of the wire format.
var (
	valueEnc = mustValueEncMode(cbor.EncOptions{Sort: cbor.SortNone, Time: cbor.TimeRFC3339Nano})
	// valueDec decodes into any with Go-friendly defaults: integers as
	// int64 (uint64 only when they do not fit), text-keyed maps as
	// map[string]any. The limits bound what a hostile peer can make us
	// allocate; frame size is bounded separately.
	valueDec = mustValueDecMode(cbor.DecOptions{
		IntDec:           cbor.IntDecConvertSignedOrBigInt,
		DefaultMapType:   reflect.TypeOf(map[string]any(nil)),
		MaxNestedLevels:  64,
		MaxArrayElements: 16 << 20,
		MaxMapPairs:      16 << 20,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
	})
	// anyKeyDec is the fallback for maps whose keys are not all strings.
	anyKeyDec = mustValueDecMode(cbor.DecOptions{
		IntDec:           cbor.IntDecConvertSignedOrBigInt,
		MaxNestedLevels:  64,
		MaxArrayElements: 16 << 20,
		MaxMapPairs:      16 << 20,
	})
)

// EncodeValue encodes v for the wire. It fails for values that cannot
// cross a process boundary, such as funcs and channels.
func EncodeValue(v any) (cbor.RawMessage, error) {
	return valueEnc.Marshal(v)
}

// DecodeValue decodes a value produced by EncodeValue into dst, which
// must be a non-nil pointer. Decoding into *any yields int64, float64,
// string, []byte, bool, []any and map[string]any (or map[any]any when a
// map has non-string keys).
func DecodeValue(raw cbor.RawMessage, dst any) error {
	err := valueDec.Unmarshal(raw, dst)
	if err != nil {
		if p, ok := dst.(*any); ok {
			return anyKeyDec.Unmarshal(raw, p)
		}
	}
	return err
}

func mustValueEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustValueDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}
