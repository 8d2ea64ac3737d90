// Custom json.Marshaler / Unmarshaler and encoding.TextMarshaler on user types.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

type Level int

const (
	Debug Level = iota
	Info
	Warn
)

var levelNames = []string{"debug", "info", "warn"}

func (l Level) MarshalJSON() ([]byte, error) {
	return json.Marshal(levelNames[l])
}

func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for i, n := range levelNames {
		if n == s {
			*l = Level(i)
			return nil
		}
	}
	return fmt.Errorf("unknown level %q", s)
}

type Color struct{ R, G, B uint8 }

func (c Color) MarshalText() ([]byte, error) {
	return []byte(fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)), nil
}

type Config struct {
	Level  Level            `json:"level"`
	Colors map[string]Color `json:"colors"`
	Accent Color            `json:"accent"`
}

func main() {
	cfg := Config{Level: Warn, Colors: map[string]Color{"bg": {0, 0, 0}, "fg": {255, 128, 1}}, Accent: Color{1, 2, 3}}
	b, err := json.Marshal(cfg)
	fmt.Println(string(b), err)

	var c2 Config
	err = json.Unmarshal([]byte(`{"level":"info"}`), &c2)
	fmt.Println(err, c2.Level == Info)
	err = json.Unmarshal([]byte(`{"level":"loud"}`), &c2)
	fmt.Println(err)

	dec := json.NewDecoder(strings.NewReader(`["debug","warn"] `))
	var levels []Level
	fmt.Println(dec.Decode(&levels), levels)
}
