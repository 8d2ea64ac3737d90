package session

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/fxamacker/cbor/v2"

	"github.com/dpfw/dpfw/eval/failure"
)

// Values (task results, call arguments, table entries) travel as CBOR,
// each one encoded on its own and carried in the envelope as a byte
// string (see doc.go): the envelope's decoder never looks inside, so a
// value that the receiver cannot decode fails its own task only.
//
// The value limits below are the whole contract between the two ends:
// EncodeValue refuses, with a RemoteError, every value that DecodeValue
// at the other end would refuse, so a sender learns at once, per task,
// what the receiver could not take.
const (
	// MaxValueDepth is the deepest nesting of arrays and maps (slices,
	// structs, maps; chained CBOR tags count too) in one value.
	// eval.MaxDepth is the same number (package slave does not compile
	// otherwise), so a result the engine copies is one the wire can carry.
	MaxValueDepth = 1000
	// maxValueElems bounds the elements of one array and the pairs of
	// one map in a value.
	maxValueElems = 16 << 20
)

var (
	valueEnc = mustValueEncMode(cbor.EncOptions{
		Sort: cbor.SortNone,
		Time: cbor.TimeRFC3339Nano,
		// A NaN keeps its payload bits: a float crosses the wire unchanged.
		NaNConvert: cbor.NaNConvertNone,
	})
	// valueDec decodes into any with Go-friendly defaults: integers as
	// int64 (uint64 only when they do not fit), text-keyed maps as
	// map[string]any. Go strings may hold any bytes, so text that is not
	// valid UTF-8 decodes as it is, byte for byte. A map with two equal
	// keys is refused rather than collapsed. The limits bound what a
	// hostile peer can make us allocate; frame size bounds the bytes.
	valueDec = mustValueDecMode(valueDecOptions(reflect.TypeOf(map[string]any(nil))))
	// anyKeyDec is the fallback for maps whose keys are not all strings.
	anyKeyDec = mustValueDecMode(valueDecOptions(nil))
)

func valueDecOptions(mapType reflect.Type) cbor.DecOptions {
	return cbor.DecOptions{
		IntDec:           cbor.IntDecConvertSignedOrBigInt,
		DefaultMapType:   mapType,
		MaxNestedLevels:  MaxValueDepth,
		MaxArrayElements: maxValueElems,
		MaxMapPairs:      maxValueElems,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		UTF8:             cbor.UTF8DecodeInvalid,
		// Our own times travel as RFC 3339 text; a foreign encoder's
		// time tags decode to the same (or fail where that cannot
		// represent them), so what decodes can be sent on.
		TimeTagToAny: cbor.TimeTagToRFC3339Nano,
	}
}

// EncodeValue encodes v for the wire. It fails with a *RemoteError when
// v cannot cross a process boundary: of kind unsendable for funcs,
// channels and maps whose distinct keys would arrive as one (1 and
// int64(1) in a map[any]any), of kind too-large for values nested
// deeper than MaxValueDepth or with more than 16 Mi elements in one
// slice or map.
func EncodeValue(v any) ([]byte, error) {
	if err := checkKeys(reflect.ValueOf(v), 0, 0); err != nil {
		return nil, err
	}
	b, err := valueEnc.Marshal(v)
	if err != nil {
		return nil, &RemoteError{Kind: failure.KindUnsendable, Msg: "value cannot be sent: " + err.Error()}
	}
	if err := valueDec.Wellformed(b); err != nil {
		return nil, limitError(err)
	}
	return b, nil
}

// limitError describes a value the receiver's decoder would refuse.
func limitError(err error) *RemoteError {
	var (
		deep  *cbor.MaxNestedLevelError
		elems *cbor.MaxArrayElementsError
		pairs *cbor.MaxMapPairsError
	)
	switch {
	case errors.As(err, &deep):
		return tooDeepError()
	case errors.As(err, &elems), errors.As(err, &pairs):
		return &RemoteError{Kind: failure.KindTooLarge, Msg: fmt.Sprintf("value has a slice or map of more than %d elements (the wire's limit)", maxValueElems)}
	}
	return &RemoteError{Kind: failure.KindInternal, Msg: "value encodes to malformed CBOR: " + err.Error()}
}

// DecodeValue decodes a value produced by EncodeValue into dst, which
// must be a non-nil pointer. Decoding into *any yields int64, uint64,
// float64, string, []byte, bool, []any and map[string]any (or
// map[any]any when a map has non-string keys). It fails for data that
// is not such a value, or that breaks the limits EncodeValue enforces;
// a map with two equal keys is an error, never a smaller map.
func DecodeValue(raw []byte, dst any) error {
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
