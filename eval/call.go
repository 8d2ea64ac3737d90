package eval

import (
	"context"
	"fmt"
	"reflect"
)

// Call calls the top-level function name previously defined on this engine
// (for example by Run("func fib(n int) int {...}")), without parsing any
// source. Arguments are converted to the parameter types where Go would
// allow a conversion (int64 to int, []any to []int, map[string]any to
// map[string]int, ...). If the function's last result is an error and it is
// non-nil, the task fails with KindError; the other results form the value
// (a []any when there are several). Blocking, cancellation and
// serialization are as for Run.
func (e *Engine) Call(ctx context.Context, name string, args ...any) (Result, error) {
	return e.do(ctx, func(t *task) *Error {
		yname := name
		if e.front != nil {
			yname = e.front.YaegiName(name)
		}
		f, ok, abandoned := e.ip.lookupFunc(ctx, yname)
		if abandoned {
			return t.check(ctx, true, ctx.Err())
		}
		if !ok {
			return errorf(KindNotFound, "no function %q is defined on this engine", name)
		}
		in, err := convertArgs(f.Type(), args)
		if err != nil {
			return err
		}
		outs, abandoned, cerr := interruptible(ctx, e.ip, func() ([]reflect.Value, error) { return f.Call(in), nil })
		if err := t.check(ctx, abandoned, cerr); err != nil {
			return err
		}
		return t.setResults(f.Type(), outs)
	})
}

// setResults stores a function's results as the task value.
func (t *task) setResults(ft reflect.Type, outs []reflect.Value) *Error {
	if n := len(outs); n > 0 && ft.Out(n-1) == errorType {
		if last := outs[n-1]; !last.IsNil() {
			return errorf(KindError, "%v", last.Interface())
		}
		outs = outs[:n-1]
	}
	switch len(outs) {
	case 0:
		return nil
	case 1:
		return t.setCopy(outs[0], t.maxResult)
	}
	if _, over := sumSizes(len(outs), func(i int) reflect.Value { return outs[i] }, t.maxResult, 0); over {
		return errorf(KindTooLarge, "results are larger than %d bytes (the result limit)", t.maxResult)
	}
	vals := make([]any, len(outs))
	for i, o := range outs {
		c, err := sendable(o)
		if err != nil {
			return err
		}
		vals[i] = c
	}
	t.res.Value, t.res.HasValue, t.res.Text = vals, true, display(vals, 0)
	return nil
}

// convertArgs converts args to the parameter types of a func of type ft.
func convertArgs(ft reflect.Type, args []any) ([]reflect.Value, *Error) {
	n := ft.NumIn()
	if len(args) != n && !(ft.IsVariadic() && len(args) >= n-1) {
		return nil, errorf(KindCompile, "wrong number of arguments: have %d, want %d", len(args), n)
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := paramType(ft, i)
		v, err := convertTo(a, pt, 0)
		if err != nil {
			return nil, errorf(KindCompile, "argument %d: %v", i+1, err)
		}
		in[i] = v
	}
	return in, nil
}

func paramType(ft reflect.Type, i int) reflect.Type {
	if ft.IsVariadic() && i >= ft.NumIn()-1 {
		return ft.In(ft.NumIn() - 1).Elem()
	}
	return ft.In(i)
}

// convertTo converts a (typically decoded from the wire: int64, float64,
// []any, map[string]any) to type t.
func convertTo(a any, t reflect.Type, depth int) (reflect.Value, error) {
	if a == nil {
		return reflect.Zero(t), nil
	}
	v := reflect.ValueOf(a)
	switch {
	case depth > MaxDepth:
		return reflect.Value{}, fmt.Errorf("value nested too deeply")
	case v.Type().AssignableTo(t):
		out := reflect.New(t).Elem()
		out.Set(v)
		return out, nil
	case t.Kind() == reflect.Slice && (v.Kind() == reflect.Slice || v.Kind() == reflect.Array):
		return convertSlice(v, t, depth)
	case t.Kind() == reflect.Map && v.Kind() == reflect.Map:
		return convertMap(v, t, depth)
	case convertible(v.Type(), t):
		return v.Convert(t), nil
	}
	return reflect.Value{}, fmt.Errorf("cannot use %v as %s", a, t)
}

// convertible allows Go conversions except those that change meaning
// silently, such as int to string.
func convertible(from, to reflect.Type) bool {
	if !from.ConvertibleTo(to) {
		return false
	}
	return (from.Kind() == reflect.String) == (to.Kind() == reflect.String)
}

func convertSlice(v reflect.Value, t reflect.Type, depth int) (reflect.Value, error) {
	out := reflect.MakeSlice(t, v.Len(), v.Len())
	for i := range v.Len() {
		e, err := convertTo(v.Index(i).Interface(), t.Elem(), depth+1)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("element %d: %w", i, err)
		}
		out.Index(i).Set(e)
	}
	return out, nil
}

func convertMap(v reflect.Value, t reflect.Type, depth int) (reflect.Value, error) {
	out := reflect.MakeMapWithSize(t, v.Len())
	it := v.MapRange()
	for it.Next() {
		k, err := convertTo(it.Key().Interface(), t.Key(), depth+1)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("key %v: %w", it.Key(), err)
		}
		e, err := convertTo(it.Value().Interface(), t.Elem(), depth+1)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("key %v: %w", it.Key(), err)
		}
		out.SetMapIndex(k, e)
	}
	return out, nil
}
