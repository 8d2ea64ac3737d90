// Copyright 2023 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file of the Go distribution.

package prelude

// Seq and Seq2 are aliases of their function types, so that the
// standard library's own iter.Seq values (strings.SplitSeq…) pass where a
// copy expects one.
type ᐧiter_Seq[V any] = func(yield func(V) bool)

type ᐧiter_Seq2[K, V any] = func(yield func(K, V) bool)

// Pull and Pull2 run the iterator in a goroutine that hands each value
// over a channel (the standard library uses coroutines of the runtime);
// a panic of the iterator is raised again by the next or stop that
// resumed it.
func ᐧiter_Pull[V any](seq ᐧiter_Seq[V]) (func() (V, bool), func()) {
	resume := make(chan bool)
	vals := make(chan V)
	fin := make(chan any, 1)
	done, started := false, false
	run := func() {
		defer func() { fin <- recover() }()
		if !<-resume {
			return
		}
		stopped := false
		seq(func(v V) bool {
			if stopped {
				return false
			}
			vals <- v
			if !<-resume {
				stopped = true
			}
			return !stopped
		})
	}
	next := func() (V, bool) {
		var zero V
		if done {
			return zero, false
		}
		if !started {
			started = true
			go run()
		}
		resume <- true
		select {
		case v := <-vals:
			return v, true
		case p := <-fin:
			done = true
			if p != nil {
				panic(p)
			}
			return zero, false
		}
	}
	stop := func() {
		if done {
			return
		}
		done = true
		if !started {
			return
		}
		resume <- false
		if p := <-fin; p != nil {
			panic(p)
		}
	}
	return next, stop
}

type ᐧiter_pair[K, V any] struct {
	k K
	v V
}

func ᐧiter_Pull2[K, V any](seq ᐧiter_Seq2[K, V]) (func() (K, V, bool), func()) {
	next1, stop := ᐧiter_Pull(func(yield func(ᐧiter_pair[K, V]) bool) {
		seq(func(k K, v V) bool { return yield(ᐧiter_pair[K, V]{k, v}) })
	})
	next := func() (K, V, bool) {
		p, ok := next1()
		return p.k, p.v, ok
	}
	return next, stop
}
