// time: fixed dates, formatting layouts, durations, arithmetic, parsing (no clock reads).
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.Date(2024, time.February, 28, 22, 30, 15, 0, time.UTC)
	fmt.Println(t)
	fmt.Println(t.Format(time.RFC3339), t.Format("2006-01-02"), t.Format("Mon Jan 2 15:04"))
	next := t.Add(3 * time.Hour)
	fmt.Println(next.Format(time.DateTime), next.Weekday(), next.YearDay())
	fmt.Println(t.AddDate(0, 0, 1).Day(), t.AddDate(1, 0, 1).Format(time.DateOnly))

	d := 90*time.Minute + 30*time.Second
	fmt.Println(d, d.Hours(), d.Round(time.Hour), d.Truncate(time.Hour))
	fmt.Println(time.Duration(1500)*time.Microsecond, time.Duration(0))

	p, err := time.Parse("2006-01-02 15:04", "2023-12-31 23:59")
	fmt.Println(p, err)
	fmt.Println(t.Sub(p).Hours(), p.Before(t), t.Equal(t.UTC()))
	_, err = time.Parse(time.DateOnly, "2023-13-01")
	fmt.Println(err)

	dur, _ := time.ParseDuration("1h15m30.5s")
	fmt.Println(dur, dur.Seconds())
	fmt.Println(t.Truncate(24*time.Hour).Format(time.Kitchen), t.Month(), int(t.Month()))
	loc := time.FixedZone("X", 2*3600)
	fmt.Println(t.In(loc).Format(time.RFC1123Z))
	fmt.Println(time.Unix(1700000000, 0).UTC())
}
