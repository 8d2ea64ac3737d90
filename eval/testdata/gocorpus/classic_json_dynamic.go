// encoding/json with interface{} values, RawMessage and streaming Decoder/Encoder.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type Event struct {
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

type Click struct{ X, Y int }
type Key struct{ Code string }

func main() {
	var v any
	json.Unmarshal([]byte(`{"a":1,"b":[true,null,"x"],"c":{"d":2.5}}`), &v)
	m := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s: %T %v\n", k, m[k], m[k])
	}

	stream := `{"type":"click","payload":{"X":1,"Y":2}}
{"type":"key","payload":{"Code":"Enter"}}`
	dec := json.NewDecoder(strings.NewReader(stream))
	for dec.More() {
		var e Event
		if err := dec.Decode(&e); err != nil {
			fmt.Println("error:", err)
			return
		}
		switch e.Type {
		case "click":
			var c Click
			json.Unmarshal(e.Payload, &c)
			fmt.Printf("click at %d,%d\n", c.X, c.Y)
		case "key":
			var k Key
			json.Unmarshal(e.Payload, &k)
			fmt.Println("key", k.Code)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.Encode(map[string]any{"z": 1, "a": []int{1, 2}})
	var bad struct{ N int }
	fmt.Println(json.Unmarshal([]byte(`{"N":"x"}`), &bad))
}
