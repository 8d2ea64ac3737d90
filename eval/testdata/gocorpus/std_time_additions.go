// Newer time APIs: Time.Compare, DateOnly/TimeOnly/DateTime layouts, Duration.Abs, Unix milli/micro.
package main

import (
	"fmt"
	"slices"
	"time"
)

func main() {
	a := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	b := a.Add(-90 * time.Minute)
	fmt.Println(a.Compare(b), b.Compare(a), a.Compare(a))
	ts := []time.Time{a, b, a.AddDate(0, -1, 0)}
	slices.SortFunc(ts, func(x, y time.Time) int { return x.Compare(y) })
	for _, t := range ts {
		fmt.Println(t.Format(time.DateTime))
	}
	fmt.Println(a.Format(time.DateOnly), a.Format(time.TimeOnly))
	d := b.Sub(a)
	fmt.Println(d, d.Abs())
	fmt.Println(a.UnixMilli(), time.UnixMilli(a.UnixMilli()).UTC().Equal(a), a.UnixMicro())
	t, err := time.Parse(time.DateTime, "2024-02-29 23:59:59")
	fmt.Println(t.Add(time.Second), err)
	y, w := a.ISOWeek()
	fmt.Println(a.IsZero(), time.Time{}.IsZero(), y, w)
}
