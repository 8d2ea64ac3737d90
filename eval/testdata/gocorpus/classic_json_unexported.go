// encoding/json ignores unexported fields, both ways.
package main

import (
	"encoding/json"
	"fmt"
)

type Credentials struct {
	User     string
	password string
	token    string
	Port     int `json:"port"`
}

type wrapper struct {
	Public  Credentials
	private int
}

func main() {
	c := Credentials{User: "root", password: "hunter2", token: "t0k", Port: 22}
	b, err := json.Marshal(c)
	fmt.Println(string(b), err)

	w := wrapper{Public: c, private: 9}
	b, _ = json.Marshal(w)
	fmt.Println(string(b))

	var d Credentials
	err = json.Unmarshal([]byte(`{"User":"guest","password":"x","port":8080}`), &d)
	fmt.Println(err, d.User, d.password == "", d.Port)
}
